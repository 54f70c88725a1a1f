package connector

// The token-level check of a connectors file, before it is decoded:
// encoding/json alone accepts trailing data, keeps the last of two equal
// keys, and matches keys case-insensitively ("LoginURL" for "loginUrl"), so
// a file could say one thing to a reviewer and another to connectorctl.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// maxExportDepth bounds nesting: the format has three levels.
const maxExportDepth = 8

// exportLayout is where things are in a connectors file.
type exportLayout struct {
	versionLine int   // 0: no "version" key
	connLines   []int // the line of each connector's '{'
}

// lineError is a problem of the file at a line.
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// exportKeys are the keys of each object of the format, exactly as export
// writes them (from the JSON tags, so they cannot drift).
var exportKeys = map[string]map[string]bool{
	"":            jsonKeysOf(reflect.TypeFor[ExportFile]()),
	"connectors/": jsonKeysOf(reflect.TypeFor[ExportConnector]()),
}

func jsonKeysOf(t reflect.Type) map[string]bool {
	keys := map[string]bool{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		keys[name] = true
	}
	return keys
}

type exportScan struct {
	raw []byte
	dec *json.Decoder
	lay exportLayout
}

// scanExport checks the file's syntax and keys: one JSON object and
// nothing after it, every key one the format has (with its exact case),
// no key twice in one object. It returns the layout, or a *lineError.
func scanExport(raw []byte) (*exportLayout, error) {
	s := &exportScan{raw: raw, dec: json.NewDecoder(bytes.NewReader(raw))}
	s.dec.UseNumber()
	tok, err := s.dec.Token()
	if err != nil {
		return nil, s.syntax(err)
	}
	if tok != json.Delim('{') {
		return nil, &lineError{line: s.line(s.dec.InputOffset()), msg: "the file does not start with a JSON object ({)"}
	}
	if err := s.object("", 1); err != nil {
		return nil, err
	}
	end := s.dec.InputOffset()
	rest := bytes.TrimLeft(raw[end:], " \t\r\n")
	if len(rest) > 0 {
		return nil, &lineError{line: s.line(int64(len(raw) - len(rest) + 1)), msg: "there is more after the end of the JSON object"}
	}
	return &s.lay, nil
}

// line is the 1-based line of the byte before offset off.
func (s *exportScan) line(off int64) int {
	off = min(max(off-1, 0), int64(len(s.raw)))
	return 1 + bytes.Count(s.raw[:off], []byte{'\n'})
}

// syntax turns a decoder error into a *lineError.
func (s *exportScan) syntax(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return &lineError{line: s.line(se.Offset), msg: "it is not valid JSON (" + se.Error() + ")"}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &lineError{line: s.line(int64(len(s.raw))), msg: "the JSON ends too early"}
	}
	return &lineError{line: s.line(s.dec.InputOffset()), msg: "it is not valid JSON (" + err.Error() + ")"}
}

// object reads the members of an object whose '{' was just read. path is
// where it sits: "" for the top, "connectors/" for a connector, "-" for
// anywhere else (the decoder refuses those by type).
func (s *exportScan) object(path string, depth int) error {
	if depth > maxExportDepth {
		return &lineError{line: s.line(s.dec.InputOffset()), msg: "the JSON is nested too deep"}
	}
	keys := exportKeys[path]
	seen := map[string]int{}
	for s.dec.More() {
		tok, err := s.dec.Token()
		if err != nil {
			return s.syntax(err)
		}
		key, _ := tok.(string)
		ln := s.line(s.dec.InputOffset())
		if first, dup := seen[key]; dup {
			return &lineError{line: ln, msg: fmt.Sprintf("the key %s is given twice in one object (first on line %d)", quoteID(key), first)}
		}
		seen[key] = ln
		if keys != nil && !keys[key] {
			return &lineError{line: ln, msg: fmt.Sprintf("the key %s is not one connectorctl export writes", quoteID(key))}
		}
		if path == "" && key == "version" {
			s.lay.versionLine = ln
		}
		child := "-"
		if path == "" && key == "connectors" {
			child = "connectors"
		}
		if err := s.value(child, depth); err != nil {
			return err
		}
	}
	if _, err := s.dec.Token(); err != nil { // '}'
		return s.syntax(err)
	}
	return nil
}

// value reads one value; path is its place (see object; "connectors" is
// the list of connectors).
func (s *exportScan) value(path string, depth int) error {
	tok, err := s.dec.Token()
	if err != nil {
		return s.syntax(err)
	}
	switch tok {
	case json.Delim('{'):
		if path == "connectors/" {
			s.lay.connLines = append(s.lay.connLines, s.line(s.dec.InputOffset()))
		} else {
			path = "-"
		}
		return s.object(path, depth+1)
	case json.Delim('['):
		child := "-"
		if path == "connectors" {
			child = "connectors/"
		}
		if depth+1 > maxExportDepth {
			return &lineError{line: s.line(s.dec.InputOffset()), msg: "the JSON is nested too deep"}
		}
		for s.dec.More() {
			if err := s.value(child, depth+1); err != nil {
				return err
			}
		}
		if _, err := s.dec.Token(); err != nil { // ']'
			return s.syntax(err)
		}
	}
	return nil
}

// connectorAt is the index of the connector whose object holds line ln, or -1.
func (l *exportLayout) connectorAt(ln int) int {
	i := -1
	for j, start := range l.connLines {
		if start <= ln {
			i = j
		}
	}
	return i
}
