package main

// --json output shared by the commands.

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/internal/safetext"
)

// writeJSON prints v as indented JSON, with the control characters
// encoding/json leaves raw (DEL, C1, bidirectional overrides) written as
// \u escapes: the same value for a program, plain text on a terminal.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(safetext.EscapeJSON(buf.Bytes()))
	return err
}

// problemJSON is a Problem in --json output.
type problemJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
}

func toProblemJSON(p *connector.Problem) *problemJSON {
	if p == nil {
		return nil
	}
	return &problemJSON{Code: p.Code, Message: p.Message, Fix: p.Fix}
}
