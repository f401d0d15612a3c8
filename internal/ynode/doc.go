// Package ynode decodes go.yaml.in/yaml/v3 nodes strictly, reporting every
// problem at once with its line, column and field path.
//
// A loader walks the node tree with a [Decoder]: [Decoder.Fields] for a
// mapping with a fixed set of keys (unknown keys are reported with a "did
// you mean" suggestion), [Decoder.Mapping] for a mapping with free keys,
// [Decoder.Sequence] for a list, and the scalar helpers ([Decoder.Int],
// [Decoder.Bool], [Decoder.String], [Decoder.Float], [Decoder.Duration]).
// Each helper reports what it expected and what it found, and returns
// ok=false so that the caller can skip what depends on the value. At the end
// [Decoder.Err] returns the problems as an [ErrorList], or nil.
//
// # Paths
//
// A [Path] names a value from the root the caller chose, in a form close to
// a Go or JavaScript expression: a key made only of letters, digits, '_' and
// '-' is written after a dot (.http), any other key in brackets as a quoted
// string (["nodejs-ex:*"], ["/healthz"]), and a list index in brackets ([1]).
// A key at the root has no leading dot. For example:
//
//	apps["nodejs-ex:*"].http.8080["/healthz"][1].status
//
// # Error text
//
// An [Error] reads FILE:LINE:COL: PATH: MESSAGE. The file is attached by the
// caller that knows it ([ErrorList.WithFile]); without one the text starts at
// LINE. An empty path is left out.
package ynode
