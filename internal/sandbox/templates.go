package sandbox

import "html/template"

// The pages are self-contained: inline CSS and script only, allowed by a
// per-response nonce, and html/template escapes everything they echo.

const pageHead = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{template "title" .}}</title>
{{if .Refresh}}<meta http-equiv="refresh" content="2;url=/hootsuite/app">{{end}}
<style nonce="{{.Nonce}}">
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f3f4f4;color:#1c1c1c}
.banner{background:#143059;color:#fff;padding:.5rem 1rem;font-size:.9rem}
main{max-width:40rem;margin:2rem auto;background:#fff;border-radius:8px;padding:1.5rem 2rem;box-shadow:0 1px 3px rgba(0,0,0,.15)}
h1{font-size:1.4rem;margin-top:0}
code{background:#eef0f2;padding:.1rem .3rem;border-radius:3px;word-break:break-all}
dt{font-weight:600;margin-top:.6rem}dd{margin:0}
.actions{display:flex;gap:1rem;justify-content:flex-end;margin-top:1.5rem}
button{font-size:1rem;padding:.5rem 1.4rem;border-radius:4px;border:1px solid #143059;background:#fff;color:#143059;cursor:pointer}
button.primary{background:#143059;color:#fff}
input[type=url]{width:100%;box-sizing:border-box;font-size:1rem;padding:.4rem;margin:.3rem 0 .6rem}
.ok{color:#0a6b2d;font-weight:600}.fail,.error{color:#a31b1b;font-weight:600}.notice{color:#0a6b2d}
nav{font-size:.9rem;margin-bottom:1rem;color:#555}
</style>
</head>
<body>
<div class="banner">hootwire sandbox &mdash; a stand-in for Hootsuite and SAP Open Connectors on this machine. No real account is involved.</div>
`

const pageFoot = `</body>
</html>
`

func mustPage(name, body string) *template.Template {
	return template.Must(template.New(name).Parse(pageHead + body + pageFoot))
}

// consentBody is Hootsuite's "Authorize app" page. Its script lets a
// headless browser in end-to-end tests press a button by URL fragment
// (#sandbox-allow or #sandbox-deny), without a browser driver.
const consentBody = `{{define "title"}}Authorize app · Hootsuite (sandbox){{end}}
<main>
<h1>Authorize app</h1>
<p><strong id="app-name">{{.AppName}}</strong> would like to access your Hootsuite account.</p>
<dl>
<dt>App (client id)</dt><dd><code>{{.ClientID}}</code></dd>
<dt>Permissions requested</dt><dd><code>{{.Scope}}</code></dd>
<dt>After you decide, you will be sent to</dt><dd><code id="redirect-uri">{{.RedirectURI}}</code></dd>
</dl>
<div class="actions">
<form method="post" action="{{.Action}}">
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<input type="hidden" name="state" value="{{.State}}">
<input type="hidden" name="scope" value="{{.Scope}}">
<input type="hidden" name="decision" value="deny">
<button type="submit" id="deny">Deny</button>
</form>
<form method="post" action="{{.Action}}">
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<input type="hidden" name="state" value="{{.State}}">
<input type="hidden" name="scope" value="{{.Scope}}">
<input type="hidden" name="decision" value="allow">
<button type="submit" id="allow" class="primary">Allow</button>
</form>
</div>
</main>
<script nonce="{{.Nonce}}">
(function () {
  var h = location.hash;
  if (h === "#sandbox-allow" || h === "#sandbox-deny") {
    var b = document.getElementById(h.slice("#sandbox-".length));
    if (b) { b.click(); }
  }
})();
</script>
`

// appBody is Hootsuite's app settings page ("My Apps > app").
const appBody = `{{define "title"}}My Apps · {{.AppName}} · Hootsuite (sandbox){{end}}
<main>
<nav>My Apps &gt; <span id="app-name">{{.AppName}}</span></nav>
<h1>{{.AppName}}</h1>
<dl>
<dt>REST API client id</dt><dd><code id="client-id">{{.ClientID}}</code></dd>
<dt>REST API client secret</dt><dd><code>********</code></dd>
<dt>Saved Webhook URL</dt><dd id="webhook-status">{{if .Saved}}<code id="saved-webhook-url">{{.Saved}}</code>{{else}}None saved yet.{{end}}</dd>
{{with .Status}}<dt>Last ping</dt><dd id="last-ping" class="{{.LastPingClass}}">{{.LastPing}}</dd>
{{if .LastSent}}<dt>Last webhook sent</dt><dd id="last-sent" class="{{.LastSentClass}}">{{.LastSent}}</dd>
{{end}}<dt>Last delivery to the event callback URL</dt><dd id="last-delivery" class="{{.DeliveryClass}}">{{.Delivery}} <a href="/hootsuite/app" id="refresh">Refresh</a></dd>{{end}}
</dl>
<form method="post" action="{{.Action}}">
<label for="webhook_url"><strong>Webhook URL</strong></label>
<input type="url" id="webhook_url" name="webhook_url" value="{{.WebhookURL}}" placeholder="…/elements/api-v2/events/hootsuite/base64-id">
<button type="submit" id="save" class="primary">Save</button>
</form>
{{with .View}}{{if .Notice}}<p class="notice" id="notice">{{.Notice}}</p>{{end}}{{if .Error}}<p class="error" id="error">{{.Error}}</p>{{end}}{{end}}
<div class="actions">
<form method="post" action="{{.PingAction}}"><button type="submit" id="ping">Send ping webhook</button></form>
<form method="post" action="{{.MessageAction}}"><button type="submit" id="send-message">Send a message event</button></form>
<form method="post" action="{{.CommentAction}}"><button type="submit" id="send-comment">Send a comment event</button></form>
</div>
{{with .View}}{{if .PingResult}}<p id="ping-result" class="{{if .PingOK}}ok{{else}}fail{{end}}">{{.PingResult}}</p>{{end}}{{end}}
</main>
`

// errorBody explains a refused request; it never redirects anywhere.
const errorBody = `{{define "title"}}{{.Title}} · Hootsuite (sandbox){{end}}
<main>
<h1>{{.Title}}</h1>
<p class="error" id="error">{{.Message}}</p>
<p>HTTP status {{.Status}}.</p>
</main>
`

// indexBody is the sandbox's home page.
const indexBody = `{{define "title"}}hootwire sandbox{{end}}
<main>
<h1>hootwire sandbox</h1>
<dl>
<dt>Platform API base URL</dt><dd><code id="base-url">{{.BaseURL}}</code></dd>
<dt>Hootsuite app settings</dt><dd><a href="{{.AppPath}}">My Apps &gt; the sandbox app</a></dd>
</dl>
</main>
`

// pages are the sandbox's HTML pages. They are parsed when a sandbox is
// made, not at package initialisation, which every hootwire command (even
// --version) would pay for.
type pages struct {
	consent, app, errorPage, index *template.Template
}

func parsePages() pages {
	return pages{
		consent:   mustPage("consent", consentBody),
		app:       mustPage("app", appBody),
		errorPage: mustPage("error", errorBody),
		index:     mustPage("index", indexBody),
	}
}
