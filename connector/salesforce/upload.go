package salesforce

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
)

// uploadLevel is the gzip level of upload bodies. On an already-compressed
// zip the base64 text is all the redundancy left, and Huffman coding alone
// wins it back: wire/zip is 1.000 at HuffmanOnly as at BestSpeed (1.333
// without gzip), and HuffmanOnly skips the match search that finds nothing
// in a ZIP (BenchmarkUploadEncoding: 150-290 MB/s of ZIP on one core,
// against 210-260 at BestSpeed, on a shared 2-core machine). The gzip body
// is streamed, so it is never slower on the wire than the plain one while
// the link is slower than 4/3 of that rate (1.5 Gbit/s and more): it pays
// for itself on any link to Salesforce.
var uploadLevel = gzip.HuffmanOnly

// updateAttempts is how many times an update is tried on 5xx and connection errors.
const updateAttempts = 3

// errBodyAbandoned closes an upload pipe once its request is over.
var errBodyAbandoned = errors.New("upload body abandoned")

// CreateStaticResource POSTs a new record (JSON, base64 body streamed, gzip)
// and returns its Id. It never retries on 5xx or connection errors: a failed
// POST must be followed by a lookup by the caller. (A 401 INVALID_SESSION_ID
// is refreshed and retried once, as for every call: nothing was created.)
func (c *Client) CreateStaticResource(ctx context.Context, spec UploadSpec) (string, UploadStats, error) {
	if spec.Name == "" {
		return "", UploadStats{}, errors.New("create static resource: name is required")
	}
	var stats UploadStats
	cl := c.uploadCall(http.MethodPost, dataPath+"/sobjects/StaticResource/", spec, true, &stats)
	cl.attempts = 1
	resp, err := c.do(ctx, cl)
	if err != nil {
		return "", stats, err
	}
	defer resp.Body.Close()
	stats.ServerTime = serverTime(resp)
	var res struct {
		ID      string `json:"id"`
		Success bool   `json:"success"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return "", stats, fmt.Errorf("decode create static resource response: %w", err)
	}
	if res.ID == "" {
		return "", stats, errors.New("create static resource: response has no id")
	}
	return res.ID, stats, nil
}

// UpdateStaticResource PATCHes the record's Body and Description (plus Name,
// ContentType and CacheControl when set in spec) the same way. It retries
// with backoff (3 attempts) on what Retryable accepts (5xx, 429, connection
// errors), reopening the body; never on another 4xx. WireBytes counts every attempt.
func (c *Client) UpdateStaticResource(ctx context.Context, id string, spec UploadSpec) (UploadStats, error) {
	if id == "" {
		return UploadStats{}, errors.New("update static resource: id is required")
	}
	var stats UploadStats
	cl := c.uploadCall(http.MethodPatch, resourcePath(id), spec, false, &stats)
	cl.attempts = updateAttempts
	if !spec.UnmodifiedSince.IsZero() {
		cl.header.Set("If-Unmodified-Since", HTTPDate(spec.UnmodifiedSince))
	}
	resp, err := c.do(ctx, cl)
	if err != nil {
		return stats, err
	}
	stats.ServerTime = serverTime(resp)
	drain(resp)
	return stats, nil
}

func (c *Client) uploadCall(method, path string, spec UploadSpec, create bool, stats *UploadStats) *call {
	prefix := uploadPrefix(spec, create)
	var mu sync.Mutex
	return &call{
		method: method,
		path:   path,
		header: http.Header{
			"Content-Type":     {"application/json"},
			"Content-Encoding": {"gzip"},
		},
		open: func() (io.ReadCloser, error) {
			if spec.Open == nil {
				return nil, errors.New("upload: no body to open")
			}
			src, err := spec.Open()
			if err != nil {
				return nil, fmt.Errorf("open upload body: %w", err)
			}
			return startUpload(src, prefix, spec, func(n int64) {
				mu.Lock()
				stats.WireBytes += n
				mu.Unlock()
			}), nil
		},
	}
}

// uploadPrefix is the JSON up to the opening quote of Body's value.
func uploadPrefix(spec UploadSpec, create bool) []byte {
	ct, cc := spec.ContentType, spec.CacheControl
	if create {
		if ct == "" {
			ct = "application/zip"
		}
		if cc == "" {
			cc = "Private"
		}
	}
	buf := []byte{'{'}
	add := func(k, v string) {
		b, _ := json.Marshal(v) // a string always marshals
		buf = append(buf, '"')
		buf = append(buf, k...)
		buf = append(buf, '"', ':')
		buf = append(buf, b...)
		buf = append(buf, ',')
	}
	if spec.Name != "" {
		add("Name", spec.Name)
	}
	add("Description", spec.Description)
	if ct != "" {
		add("ContentType", ct)
	}
	if cc != "" {
		add("CacheControl", cc)
	}
	return append(buf, `"Body":"`...)
}

// uploadBody is a streamed request body: a goroutine encodes the source
// (JSON prefix, base64 body, suffix) through gzip into a pipe the transport
// reads. Nothing but small buffers and the gzip window is held in memory.
type uploadBody struct {
	pr     *io.PipeReader
	onWire func(int64)
	done   chan struct{}
	srcErr error // the source's read error, valid after done
}

func startUpload(src io.ReadCloser, prefix []byte, spec UploadSpec, onWire func(int64)) *uploadBody {
	pr, pw := io.Pipe()
	b := &uploadBody{pr: pr, onWire: onWire, done: make(chan struct{})}
	sr := &sourceReader{r: src, total: spec.BodySize, progress: spec.Progress}
	go func() {
		defer close(b.done)
		defer src.Close()
		err := encodeUpload(pw, sr, prefix)
		if sr.err != nil {
			b.srcErr = fmt.Errorf("read upload body: %w", sr.err)
			err = b.srcErr
		}
		// A nil err ends the body; any other aborts the request.
		pw.CloseWithError(err)
	}()
	return b
}

func (b *uploadBody) Read(p []byte) (int, error) {
	n, err := b.pr.Read(p)
	if n > 0 {
		b.onWire(int64(n))
	}
	return n, err
}

func (b *uploadBody) Close() error { return b.pr.CloseWithError(errBodyAbandoned) }

// finish stops the encoder (if the request ended early) and returns the
// source's error, if reading the bundle failed.
func (b *uploadBody) finish() error {
	_ = b.pr.CloseWithError(errBodyAbandoned)
	<-b.done
	return b.srcErr
}

// wireBufSize is the write size into the pipe, hence the chunk size on the wire.
const wireBufSize = 32 << 10

// encoderPool keeps the gzip writer (about 1 MB of compressor state) and
// the buffers between uploads, so retries and repeated publishes reuse them.
var encoderPool = sync.Pool{New: func() any { return new(encoder) }}

type encoder struct {
	level int
	zw    *gzip.Writer
	bw    *bufio.Writer
	buf   []byte
}

func encodeUpload(w io.Writer, src io.Reader, prefix []byte) error {
	e := encoderPool.Get().(*encoder)
	if e.zw == nil || e.level != uploadLevel {
		bw := bufio.NewWriterSize(w, wireBufSize)
		zw, err := gzip.NewWriterLevel(bw, uploadLevel)
		if err != nil {
			return err
		}
		*e = encoder{level: uploadLevel, zw: zw, bw: bw}
	} else {
		e.bw.Reset(w)
		e.zw.Reset(e.bw)
	}
	err := e.encode(src, prefix)
	// Drop references to the pipe and source before pooling.
	e.bw.Reset(nil)
	e.zw.Reset(e.bw)
	encoderPool.Put(e)
	return err
}

func (e *encoder) encode(src io.Reader, prefix []byte) error {
	if _, err := e.zw.Write(prefix); err != nil {
		return err
	}
	if err := e.encodeBase64(src); err != nil {
		return err
	}
	if _, err := e.zw.Write([]byte(`"}`)); err != nil {
		return err
	}
	if err := e.zw.Close(); err != nil {
		return err
	}
	return e.bw.Flush()
}

// rawChunk is how much of the source is read at a time: a multiple of 3,
// so each chunk encodes to whole base64 quanta (no padding mid-stream).
const rawChunk = 24 << 10

// encodeBase64 reads src in whole chunks and writes each one's base64
// text to the gzip writer in one call: the source is read once, and the
// text is produced straight into a reused buffer.
func (e *encoder) encodeBase64(src io.Reader) error {
	if cap(e.buf) < rawChunk+base64.StdEncoding.EncodedLen(rawChunk) {
		e.buf = make([]byte, rawChunk+base64.StdEncoding.EncodedLen(rawChunk))
	}
	raw, text := e.buf[:rawChunk], e.buf[rawChunk:cap(e.buf)]
	for {
		n, err := io.ReadFull(src, raw)
		if n > 0 {
			m := base64.StdEncoding.EncodedLen(n)
			base64.StdEncoding.Encode(text[:m], raw[:n])
			if _, werr := e.zw.Write(text[:m]); werr != nil {
				return werr
			}
		}
		switch {
		case err == nil:
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return nil
		default:
			return err
		}
	}
}

// sourceReader reads the raw body, reports progress and remembers a read
// error (so it is not mistaken for a transport failure and retried).
type sourceReader struct {
	r        io.Reader
	sent     atomic.Int64
	total    int64
	progress func(sent, total int64)
	err      error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n > 0 {
		sent := s.sent.Add(int64(n))
		if s.progress != nil {
			s.progress(sent, s.total)
		}
	}
	if err != nil && !errors.Is(err, io.EOF) {
		s.err = err
	}
	return n, err
}
