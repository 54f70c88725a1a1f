package oauth

import (
	"html/template"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// handler serves the callback and the two result pages:
//   - GET {CallbackPath}: the redirect; counts once, after a valid state
//   - GET /OauthSuccess, /OauthError: the result pages we redirect to
//   - OPTIONS with Access-Control-Request-Private-Network: 204 (Chrome's
//     private network access preflight)
//   - anything else: 404, non-GET 405
func (f *Flow) handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Private-Network") != "" {
			h.Set("Access-Control-Allow-Private-Network", "true")
			h.Set("Access-Control-Allow-Methods", "GET")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if !f.loopbackHost(r.Host) {
			// DNS rebinding: a page on another name that resolves to
			// 127.0.0.1 must not talk to the callback server.
			http.Error(w, "misdirected request", http.StatusMisdirectedRequest)
			return
		}
		if r.URL.Path == "/favicon.ico" {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodGet {
			h.Set("Allow", http.MethodGet)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		switch r.URL.Path {
		case f.cfg.CallbackPath:
			f.serveCallback(w, r)
		case successPath:
			f.serveResult(w, true)
		case errorPath:
			f.serveResult(w, false)
		default:
			http.NotFound(w, r)
		}
	})
}

// loopbackHost accepts the Host headers a browser sends for our listeners.
func (f *Flow) loopbackHost(host string) bool {
	h, port, err := net.SplitHostPort(host)
	if err != nil || port != strconv.Itoa(f.port) {
		return false
	}
	return strings.EqualFold(h, "localhost") || h == "127.0.0.1" || h == "::1"
}

func (f *Flow) serveCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("state") != f.state {
		// Another login attempt, another app or an attacker: refuse, keep
		// waiting, and remember it for the timeout message.
		f.mismatch.Add(1)
		writePage(w, http.StatusBadRequest, page{Lang: f.text.Lang, Title: f.text.MismatchTitle, Lines: f.text.MismatchLines, Bad: true})
		return
	}
	if q.Get("error") == "" && !validCode(q.Get("code")) {
		writePage(w, http.StatusBadRequest, page{Lang: f.text.Lang, Title: f.text.NoCodeTitle, Lines: f.text.NoCodeLines, Bad: true})
		return
	}
	f.pending.Add(1) // before the flow can end: the server waits for this page
	if f.claim() {
		f.complete(q)
	} else {
		<-f.done // a duplicate (reload): show the outcome of the first
	}
	target := successPath
	if f.err != nil {
		target = errorPath
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func (f *Flow) serveResult(w http.ResponseWriter, success bool) {
	select {
	case <-f.done:
	default:
		http.NotFound(w, nil)
		return
	}
	defer f.pageLoaded()
	t := f.text
	if success && f.err == nil {
		// The app has not checked the org yet (environment, permissions):
		// the page names the org and says "almost done", never "authorized".
		org := f.orgName
		if org == "" {
			org = orgOf(f.result)
		}
		writePage(w, http.StatusOK, page{
			Lang:  t.Lang,
			Title: t.AlmostTitle,
			Lines: []string{strings.ReplaceAll(t.AlmostLine, "{Org}", org), t.ReturnLine},
		})
		return
	}
	lines := []string{t.message(f.err), t.ErrorHint}
	writePage(w, http.StatusOK, page{Lang: t.Lang, Title: t.ErrorTitle, Lines: lines, Bad: true})
}

// pageLoaded records that a redirected browser loaded its result page.
func (f *Flow) pageLoaded() {
	for {
		n := f.pending.Load()
		if n <= 0 || f.pending.CompareAndSwap(n, n-1) {
			break
		}
	}
	select {
	case f.pageServed <- struct{}{}:
	default:
	}
}

// browserMessage is what the English error page says about err.
func browserMessage(err error) string { return DefaultPageText().message(err) }

type page struct {
	Lang  string
	Title string
	Lines []string
	Bad   bool
}

// pageTmpl is parsed on first use, not at start-up.
var pageTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
  :root { color-scheme: light dark; }
  body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center;
         font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
         background: #f4f6f9; color: #1b2430; }
  main { max-width: 34rem; margin: 2rem; padding: 2rem 2.25rem; background: #fff; border-radius: 12px;
         box-shadow: 0 2px 12px rgba(0,0,0,.08); }
  .mark { width: 3rem; height: 3rem; border-radius: 50%; display: flex; align-items: center;
          justify-content: center; font-size: 1.6rem; color: #fff; background: #2e844a; }
  .bad .mark { background: #ba0517; }
  h1 { font-size: 1.35rem; margin: 1rem 0 .5rem; }
  p { margin: .5rem 0; }
  .app { margin-top: 1.5rem; font-size: .85rem; color: #5c6b7a; }
  @media (prefers-color-scheme: dark) {
    body { background: #16191d; color: #e6e9ed; }
    main { background: #22272e; box-shadow: none; }
    .app { color: #9aa5b1; }
  }
</style>
</head>
<body>
<main class="{{if .Bad}}bad{{else}}ok{{end}}" id="{{if .Bad}}oauth-error{{else}}oauth-success{{end}}">
<div class="mark" aria-hidden="true">{{if .Bad}}!{{else}}&#10003;{{end}}</div>
<h1>{{.Title}}</h1>
{{range .Lines}}<p>{{.}}</p>
{{end}}<p class="app">Connectors</p>
</main>
</body>
</html>
`))
})

func writePage(w http.ResponseWriter, status int, p page) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	w.WriteHeader(status)
	_ = pageTmpl().Execute(w, p)
}
