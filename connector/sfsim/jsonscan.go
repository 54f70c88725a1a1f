package sfsim

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

type bufReader = bufio.Reader

func newBufReader(r io.Reader) *bufReader { return bufio.NewReaderSize(r, 64*1024) }

// syntaxError is malformed JSON (as opposed to an I/O error).
type syntaxError struct{ msg string }

func (e *syntaxError) Error() string { return e.msg }

func syntaxErr(format string, args ...any) error {
	return &syntaxError{msg: fmt.Sprintf(format, args...)}
}

// jsonScan is a minimal streaming JSON reader for one top-level object: it
// hands each key to a callback that either captures the value (small
// fields) or streams it (the base64 Body), so the body is never held twice.
type jsonScan struct {
	r *bufReader
}

const maxFieldBytes = 1 << 20 // non-Body values

func (s *jsonScan) eofErr(err error) error {
	if errors.Is(err, io.EOF) {
		return syntaxErr("Unexpected end-of-input")
	}
	return err
}

func (s *jsonScan) peekNonSpace() (byte, error) {
	for {
		b, err := s.r.Peek(1)
		if err != nil {
			return 0, s.eofErr(err)
		}
		switch b[0] {
		case ' ', '\t', '\n', '\r':
			_, _ = s.r.Discard(1)
		default:
			return b[0], nil
		}
	}
}

func (s *jsonScan) expect(c byte) error {
	got, err := s.peekNonSpace()
	if err != nil {
		return err
	}
	if got != c {
		return syntaxErr("Unexpected character ('%c' (code %d)): was expecting '%c'", got, got, c)
	}
	_, _ = s.r.Discard(1)
	return nil
}

// object scans {"key": value, ...} calling onKey positioned at each value;
// onKey must consume the value. Trailing content other than whitespace is an error.
func (s *jsonScan) object(onKey func(key string) error) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	c, err := s.peekNonSpace()
	if err != nil {
		return err
	}
	if c == '}' {
		_, _ = s.r.Discard(1)
		return s.end()
	}
	for {
		if c, err := s.peekNonSpace(); err != nil {
			return err
		} else if c != '"' {
			return syntaxErr("Unexpected character ('%c' (code %d)): was expecting double-quote to start field name", c, c)
		}
		raw, err := s.stringRaw()
		if err != nil {
			return err
		}
		key, err := strconv.Unquote(string(raw))
		if err != nil {
			var k string
			if jerr := jsonUnquote(raw, &k); jerr != nil {
				return syntaxErr("Invalid field name")
			}
			key = k
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		if err := onKey(key); err != nil {
			return err
		}
		c, err := s.peekNonSpace()
		if err != nil {
			return err
		}
		_, _ = s.r.Discard(1)
		switch c {
		case ',':
			continue
		case '}':
			return s.end()
		default:
			return syntaxErr("Unexpected character ('%c' (code %d)): was expecting comma to separate Object entries", c, c)
		}
	}
}

func (s *jsonScan) end() error {
	for {
		b, err := s.r.ReadByte()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch b {
		case ' ', '\t', '\n', '\r':
		default:
			return syntaxErr("Unexpected character ('%c' (code %d)) after the end of the JSON object", b, b)
		}
	}
}

// stringRaw reads a JSON string literal including its quotes.
func (s *jsonScan) stringRaw() ([]byte, error) {
	if err := s.expect('"'); err != nil {
		return nil, err
	}
	out := []byte{'"'}
	for {
		b, err := s.r.ReadByte()
		if err != nil {
			return nil, s.eofErr(err)
		}
		out = append(out, b)
		if len(out) > maxFieldBytes {
			return nil, syntaxErr("String value too long")
		}
		switch b {
		case '\\':
			n, err := s.r.ReadByte()
			if err != nil {
				return nil, s.eofErr(err)
			}
			out = append(out, n)
		case '"':
			return out, nil
		}
	}
}

// value captures one JSON value (any type) as raw bytes.
func (s *jsonScan) value() ([]byte, error) {
	c, err := s.peekNonSpace()
	if err != nil {
		return nil, err
	}
	switch c {
	case '"':
		return s.stringRaw()
	case '{', '[':
		var out []byte
		depth := 0
		for {
			c, err := s.peekNonSpace()
			if err != nil {
				return nil, err
			}
			if c == '"' {
				str, err := s.stringRaw()
				if err != nil {
					return nil, err
				}
				out = append(out, str...)
			} else {
				_, _ = s.r.Discard(1)
				out = append(out, c)
				switch c {
				case '{', '[':
					depth++
				case '}', ']':
					depth--
				}
			}
			if len(out) > maxFieldBytes {
				return nil, syntaxErr("Value too long")
			}
			if depth == 0 {
				if !jsonValid(out) {
					return nil, syntaxErr("Malformed JSON value")
				}
				return out, nil
			}
		}
	default:
		var out []byte
		for {
			b, err := s.r.Peek(1)
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, err
			}
			if len(b) == 0 || bytes.IndexByte([]byte(",}] \t\r\n"), b[0]) >= 0 {
				break
			}
			_, _ = s.r.Discard(1)
			out = append(out, b[0])
			if len(out) > 64 {
				return nil, syntaxErr("Unrecognized token '%s'", out)
			}
		}
		if !jsonValid(out) {
			return nil, syntaxErr("Unrecognized token '%s': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')", out)
		}
		return out, nil
	}
}

// base64String streams a JSON string holding base64 into w.
func (s *jsonScan) base64String(w io.Writer) error {
	if err := s.expect('"'); err != nil {
		return err
	}
	sr := &strReader{r: s.r}
	dec := base64.NewDecoder(base64.StdEncoding, sr)
	if _, err := io.Copy(w, dec); err != nil {
		var ce base64.CorruptInputError
		if errors.As(err, &ce) {
			return syntaxErr("Cannot deserialize value of type `byte[]` from String: Failed to decode VALUE_STRING as base64 (MIME-NO-LINEFEEDS): Illegal character in Body at offset %d", int64(ce))
		}
		return err
	}
	if !sr.done {
		return syntaxErr("Unexpected end-of-input in Body")
	}
	return nil
}

// strReader yields the content of a JSON string (after the opening quote)
// up to the closing quote, undoing escapes.
type strReader struct {
	r    *bufReader
	done bool
}

func (sr *strReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if sr.done {
			break
		}
		if sr.r.Buffered() == 0 {
			if _, err := sr.r.Peek(1); err != nil {
				if n > 0 {
					return n, nil
				}
				if errors.Is(err, io.EOF) {
					return 0, syntaxErr("Unexpected end-of-input in Body")
				}
				return 0, err
			}
		}
		buf, _ := sr.r.Peek(min(sr.r.Buffered(), len(p)-n))
		i := bytes.IndexAny(buf, "\"\\")
		if i < 0 {
			n += copy(p[n:], buf)
			_, _ = sr.r.Discard(len(buf))
			continue
		}
		n += copy(p[n:], buf[:i])
		_, _ = sr.r.Discard(i)
		if buf[i] == '"' {
			_, _ = sr.r.Discard(1)
			sr.done = true
			break
		}
		// Escape: base64 only ever needs \/ ; whitespace escapes are dropped.
		esc, err := sr.r.Peek(2)
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, syntaxErr("Unexpected end-of-input in Body")
		}
		switch esc[1] {
		case '/':
			_, _ = sr.r.Discard(2)
			p[n] = '/'
			n++
		case 'n', 'r', 't':
			_, _ = sr.r.Discard(2)
		case 'u':
			u, err := sr.r.Peek(6)
			if err != nil {
				return n, syntaxErr("Unexpected end-of-input in Body")
			}
			v, perr := strconv.ParseUint(string(u[2:]), 16, 16)
			if perr != nil || v >= utf8.RuneSelf {
				return n, syntaxErr("Illegal unicode escape in Body")
			}
			_, _ = sr.r.Discard(6)
			if v != '\n' && v != '\r' {
				p[n] = byte(v)
				n++
			}
		default:
			_, _ = sr.r.Discard(2)
			p[n] = esc[1]
			n++
		}
	}
	if n == 0 && sr.done {
		return 0, io.EOF
	}
	return n, nil
}

func jsonUnquote(raw []byte, out *string) error { return json.Unmarshal(raw, out) }

func jsonValid(b []byte) bool { return json.Valid(b) }
