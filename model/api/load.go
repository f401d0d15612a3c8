package api

import "go.yaml.in/yaml/v3"

// Load runs what the API server runs on a create: it decodes doc strictly
// (Decode), applies the defaults (Default) and validates the result
// (Validate), giving each validation error the position of the value it
// names (Locate). When decoding fails it returns a nil Object; when only
// validation fails it returns the defaulted object with the errors. The
// error is always an ErrorList.
func Load(doc *yaml.Node) (Object, error) {
	obj, err := Decode(doc)
	if err != nil {
		return nil, err
	}
	Default(obj)
	if errs := Validate(obj); len(errs) > 0 {
		l := Locate(doc, errs)
		l.Sort()
		return obj, l
	}
	return obj, nil
}
