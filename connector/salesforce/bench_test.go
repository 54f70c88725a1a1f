package salesforce

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"
)

// heapSampler records the peak of live heap objects while running.
type heapSampler struct {
	peak atomic.Uint64
	stop chan struct{}
	done chan struct{}
}

func startHeapSampler() *heapSampler {
	s := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() {
		metrics.Read(samples)
		if v := samples[0].Value.Uint64(); v > s.peak.Load() {
			s.peak.Store(v)
		}
	}
	go func() {
		defer close(s.done)
		t := time.NewTicker(200 * time.Microsecond)
		defer t.Stop()
		for {
			read()
			select {
			case <-s.stop:
				read()
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *heapSampler) Stop() uint64 {
	close(s.stop)
	<-s.done
	return s.peak.Load()
}

// streamingServer decodes each upload as it arrives (gzip → discard) and
// counts the compressed bytes received, holding nothing in memory.
func streamingServer(b *testing.B, wire *atomic.Int64) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cr := &countingReader{r: r.Body}
		zr, err := gzip.NewReader(cr)
		if err != nil {
			b.Error(err)
			w.WriteHeader(400)
			return
		}
		if _, err := io.Copy(io.Discard, zr); err != nil {
			b.Error(err)
		}
		wire.Add(cr.n)
		w.WriteHeader(204)
	}))
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// BenchmarkUpload5MB updates a 5 MB incompressible bundle (the stand-in for
// an already-compressed zip) and reports wire bytes per zip byte and the
// peak live heap of the whole process (client, in-process server, bundle).
func BenchmarkUpload5MB(b *testing.B) {
	const size = 5 << 20
	data := randomBytes(b, size)
	var wire atomic.Int64
	srv := streamingServer(b, &wire)
	defer srv.Close()
	c := New(srv.URL, newFakeTokens(), srv.Client())
	ctx := context.Background()
	spec := UploadSpec{
		Description: "bench",
		Open:        func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
		BodySize:    size,
	}
	runtime.GC()
	sampler := startHeapSampler()
	b.SetBytes(size)
	b.ResetTimer()
	var sent int64
	for b.Loop() {
		stats, err := c.UpdateStaticResource(ctx, "081000000000001AAA", spec)
		if err != nil {
			b.Fatal(err)
		}
		sent += stats.WireBytes
	}
	b.StopTimer()
	peak := sampler.Stop()
	if sent != wire.Load() {
		b.Fatalf("client counted %d wire bytes, server received %d", sent, wire.Load())
	}
	iters := float64(c.Requests())
	b.ReportMetric(float64(sent)/iters/size, "wire-bytes/zip-byte")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// realisticZip builds a ~4.5 MB zip: deflated JavaScript plus stored images.
func realisticZip(b *testing.B) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		w, err := zw.Create(fmt.Sprintf("js/f%d.js", i))
		if err != nil {
			b.Fatal(err)
		}
		for j := range 2000 {
			fmt.Fprintf(w, "function f%d_%d(x){return x*%d+%d;}\n", i, j, rng.IntN(100), j)
		}
	}
	for i := range 20 {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("img/%d.png", i), Method: zip.Store})
		if err != nil {
			b.Fatal(err)
		}
		img := make([]byte, 100<<10)
		for k := range img {
			img[k] = byte(rng.Uint32())
		}
		w.Write(img)
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkUploadLevels compares gzip levels for the upload encoding (the
// measurement behind uploadLevel): wire bytes per zip byte and speed.
func BenchmarkUploadLevels(b *testing.B) {
	inputs := map[string][]byte{"random5MB": randomBytes(b, 5<<20), "zip": realisticZip(b)}
	saved := uploadLevel
	defer func() { uploadLevel = saved }()
	for _, name := range []string{"random5MB", "zip"} {
		data := inputs[name]
		for _, lvl := range []int{gzip.HuffmanOnly, gzip.BestSpeed, gzip.DefaultCompression, gzip.BestCompression} {
			b.Run(fmt.Sprintf("%s/level=%d", name, lvl), func(b *testing.B) {
				uploadLevel = lvl
				b.SetBytes(int64(len(data)))
				var out int64
				for b.Loop() {
					cw := &countingWriter{}
					if err := encodeUpload(cw, bytes.NewReader(data), []byte(`{"Body":"`)); err != nil {
						b.Fatal(err)
					}
					out = cw.n
				}
				b.ReportMetric(float64(out)/float64(len(data)), "wire-bytes/zip-byte")
			})
		}
	}
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
