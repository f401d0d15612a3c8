package sweep

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
)

// Writer writes a results file: the header line, then one line per point.
type Writer struct {
	w   io.Writer
	buf bytes.Buffer
	enc *json.Encoder
}

// NewWriter returns a writer of results to w. If header is not nil it is
// written first (a resumed file already has it).
func NewWriter(w io.Writer, header *Header) (*Writer, error) {
	rw := &Writer{w: w}
	rw.enc = json.NewEncoder(&rw.buf)
	rw.enc.SetEscapeHTML(false)
	if header != nil {
		if err := rw.line(header); err != nil {
			return nil, err
		}
	}
	return rw, nil
}

func (rw *Writer) line(v any) error {
	rw.buf.Reset()
	if err := rw.enc.Encode(v); err != nil {
		return err
	}
	_, err := rw.w.Write(rw.buf.Bytes())
	return err
}

// Write writes one point's line.
func (rw *Writer) Write(p *PointResult) error { return rw.line(p) }

// Results are a whole results file in memory: what reports are made of.
type Results struct {
	Header Header
	Points []*PointResult // by index
}

// Read reads a results file. A last line cut short (a sweep killed while
// writing) is left out and its offset returned as complete, so that a
// resumed sweep can cut it off; any other malformed line is an error
// naming its line.
func Read(name string, r io.Reader) (res *Results, complete int64, err error) {
	br := bufio.NewReaderSize(r, 1<<16)
	res = &Results{}
	line := 0
	for {
		b, err := br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return nil, 0, fmt.Errorf("%s: %w", name, err)
		}
		if len(b) == 0 {
			break
		}
		line++
		if b[len(b)-1] != '\n' {
			break // cut short
		}
		if line == 1 {
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&res.Header); err != nil || res.Header.Kind != "Sweep" {
				return nil, 0, fmt.Errorf("%s:1: not a sweep results file (expected a first line with \"kind\":\"Sweep\", as simulate sweep --out writes)", name)
			}
		} else {
			p := &PointResult{}
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields()
			if err := dec.Decode(p); err != nil || p.Kind != "Point" {
				msg := "expected a point"
				if err != nil {
					msg = err.Error()
				}
				return nil, 0, fmt.Errorf("%s:%d: %s", name, line, msg)
			}
			if err := res.check(p); err != nil {
				return nil, 0, fmt.Errorf("%s:%d: %v", name, line, err)
			}
			res.Points = append(res.Points, p)
		}
		complete += int64(len(b))
		if err == io.EOF {
			break
		}
	}
	if line == 0 || res.Header.Kind == "" {
		return nil, 0, fmt.Errorf("%s: empty: not a sweep results file", name)
	}
	sort.SliceStable(res.Points, func(i, j int) bool { return res.Points[i].Index < res.Points[j].Index })
	return res, complete, nil
}

// check verifies that a point fits the header.
func (res *Results) check(p *PointResult) error {
	h := &res.Header
	if p.Index < 0 || p.Index >= h.Points {
		return fmt.Errorf("point %d: the sweep has points 0 to %d", p.Index, h.Points-1)
	}
	if len(p.Metrics) != len(h.Metrics) {
		return fmt.Errorf("point %d has %d metrics, the header %d", p.Index, len(p.Metrics), len(h.Metrics))
	}
	for i, m := range p.Metrics {
		if d, _ := Lookup(h.Metrics[i]); m.Name != d.Name {
			return fmt.Errorf("point %d: metric %d is %q, the header says %q", p.Index, i+1, m.Name, h.Metrics[i])
		}
		if len(m.Runs) != h.Seeds {
			return fmt.Errorf("point %d: %s has %d runs, the sweep %d seeds", p.Index, m.Name, len(m.Runs), h.Seeds)
		}
	}
	return nil
}

// Merge combines the results files of the shards of one sweep into the
// results of the whole. Every file must be of the same sweep (the same
// header but for the shard); a point given twice must be the same. With
// partial false every point must be present.
func Merge(parts []*Results, names []string, partial bool) (*Results, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("nothing to merge")
	}
	out := &Results{Header: parts[0].Header}
	out.Header.Shard = ""
	byIndex := map[int]*PointResult{}
	for i, r := range parts {
		h := r.Header
		h.Shard = ""
		if !sameHeader(h, out.Header) {
			return nil, fmt.Errorf("%s is not of the same sweep as %s: %s", names[i], names[0], headerDiff(out.Header, h))
		}
		for _, p := range r.Points {
			if q, ok := byIndex[p.Index]; ok {
				a, _ := json.Marshal(p)
				b, _ := json.Marshal(q)
				if !bytes.Equal(a, b) {
					return nil, fmt.Errorf("%s: point %d differs from the same point in another file", names[i], p.Index)
				}
				continue
			}
			byIndex[p.Index] = p
		}
	}
	var missing []int
	for i := 0; i < out.Header.Points; i++ {
		p, ok := byIndex[i]
		if !ok {
			missing = append(missing, i)
			continue
		}
		out.Points = append(out.Points, p)
	}
	if len(missing) > 0 && !partial {
		return nil, fmt.Errorf("%d of %d points are missing (first: %d); merge every shard's file, or give --partial", len(missing), out.Header.Points, missing[0])
	}
	return out, nil
}

// sameHeader compares headers as their files would: a nil and an empty
// list are the same.
func sameHeader(a, b Header) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// headerDiff names the first field in which two headers differ.
func headerDiff(a, b Header) string {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	t := va.Type()
	for i := 0; i < t.NumField(); i++ {
		x, _ := json.Marshal(va.Field(i).Interface())
		y, _ := json.Marshal(vb.Field(i).Interface())
		if !bytes.Equal(x, y) {
			tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			return fmt.Sprintf("%s is %s, not %s", tag, y, x)
		}
	}
	return "they differ"
}

// SameSweep reports why a results file's header does not match the header
// a sweep would write, or "" if it does.
func SameSweep(file, want Header) string {
	if sameHeader(file, want) {
		return ""
	}
	return headerDiff(want, file)
}

// WriteAll writes results as a results file.
func (res *Results) WriteAll(w io.Writer) error {
	rw, err := NewWriter(w, &res.Header)
	if err != nil {
		return err
	}
	for _, p := range res.Points {
		if err := rw.Write(p); err != nil {
			return err
		}
	}
	return nil
}
