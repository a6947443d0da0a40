package gui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/sseinspector/sseinspector/inspector"
)

const (
	prefRecentStreams = "recentStreams"
	maxRecent         = 12
)

// streamForm is the editable description of one subscription.
type streamForm struct {
	URL         string `json:"url"`
	Method      string `json:"method,omitempty"`
	Headers     string `json:"headers,omitempty"` // "Name: value" lines
	Body        string `json:"body,omitempty"`
	LastEventID string `json:"lastEventId,omitempty"`
}

// request turns the form into a subscription request, checking it.
func (f streamForm) request(name string) (inspector.Request, error) {
	u, err := inspector.CheckURL(strings.TrimSpace(f.URL))
	if err != nil {
		return inspector.Request{}, err
	}
	h, err := inspector.ParseHeaderLines(f.Headers)
	if err != nil {
		return inspector.Request{}, err
	}
	method := f.Method
	if method == "" {
		method = http.MethodGet
	}
	req := inspector.Request{URL: u.String(), Method: method, Header: h, LastEventID: f.LastEventID, Name: name}
	if f.Body != "" {
		req.Body = []byte(f.Body)
	}
	return req, nil
}

// recentStreams reads the remembered forms, newest first.
func (ui *Inspector) recentStreams() []streamForm {
	var out []streamForm
	_ = json.Unmarshal([]byte(ui.app.Preferences().String(prefRecentStreams)), &out)
	return out
}

func (ui *Inspector) rememberStream(f streamForm) {
	list := []streamForm{f}
	for _, r := range ui.recentStreams() {
		if r != f && len(list) < maxRecent {
			list = append(list, r)
		}
	}
	b, _ := json.Marshal(list)
	ui.app.Preferences().SetString(prefRecentStreams, string(b))
}

// streamFields builds the widgets of a stream form.
type streamFields struct {
	url                   *keySelectEntry
	method                *widget.Select
	headers, body, lastID *keyEntry
}

// urlValidator reports a stream URL that a subscription cannot use.
func urlValidator(s string) error {
	_, err := inspector.CheckURL(strings.TrimSpace(s))
	return err
}

// headerValidator reports a header line that is not "Name: value".
func headerValidator(s string) error {
	_, err := inspector.ParseHeaderLines(s)
	return err
}

// newURLEntry is a URL field offering the given URLs, checked as typed.
func newURLEntry(urls []string, placeholder string) *keySelectEntry {
	e := newKeySelectEntry(urls)
	e.SetPlaceHolder(placeholder)
	e.Validator = urlValidator
	return e
}

func (ui *Inspector) newStreamFields(placeholder string) *streamFields {
	recent := ui.recentStreams()
	urls := make([]string, 0, len(recent))
	for _, r := range recent {
		urls = append(urls, r.URL)
	}
	f := &streamFields{
		url:     newURLEntry(urls, placeholder),
		method:  widget.NewSelect([]string{"GET", "POST", "PUT", "PATCH"}, nil),
		headers: newKeyEntry(),
		body:    newKeyEntry(),
		lastID:  newKeyEntry(),
	}
	f.headers.MultiLine, f.body.MultiLine = true, true
	f.headers.Wrapping, f.body.Wrapping = fyne.TextWrapWord, fyne.TextWrapWord
	f.headers.Validator = headerValidator
	f.method.SetSelected("GET")
	f.headers.SetPlaceHolder("Authorization: Bearer …\nX-Custom: value")
	f.headers.SetMinRowsVisible(3)
	f.body.SetPlaceHolder(`{"stream": true}  (sent with POST; resent on reconnect)`)
	f.body.SetMinRowsVisible(2)
	f.lastID.SetPlaceHolder("sent as Last-Event-ID on the first request")
	// Choosing a remembered URL fills in the rest of its form.
	f.url.OnChanged = func(s string) {
		for _, r := range recent {
			if r.URL == s {
				f.method.SetSelected(orDefault(r.Method, "GET"))
				f.headers.SetText(r.Headers)
				f.body.SetText(r.Body)
				f.lastID.SetText(r.LastEventID)
				return
			}
		}
	}
	return f
}

func (f *streamFields) form() streamForm {
	return streamForm{URL: f.url.Text, Method: f.method.Selected, Headers: f.headers.Text, Body: f.body.Text, LastEventID: f.lastID.Text}
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// ShowAddStream opens the add-stream dialog.
func (ui *Inspector) ShowAddStream() {
	f := ui.newStreamFields("http://127.0.0.1:9001/event")
	name := newKeyEntry()
	name.SetPlaceHolder("optional lane name")
	items := []*widget.FormItem{
		widget.NewFormItem("URL", f.url),
		widget.NewFormItem("Name", name),
		widget.NewFormItem("Method", f.method),
		widget.NewFormItem("Headers", f.headers),
		widget.NewFormItem("Body", f.body),
		widget.NewFormItem("Last-Event-ID", f.lastID),
	}
	ui.showForm("Add stream", "Subscribe", items, fyne.NewSize(620, 480), func() error {
		form := f.form()
		if err := headerValidator(form.Headers); err != nil {
			return &fieldError{field: f.headers, err: err}
		}
		if _, err := ui.AddStream(form, name.Text); err != nil {
			return &fieldError{field: f.url, err: err}
		}
		ui.rememberStream(form)
		return nil
	})
}

// AddStream subscribes to a stream in the current session and returns its lane ID.
func (ui *Inspector) AddStream(f streamForm, name string) (int, error) {
	req, err := f.request(name)
	if err != nil {
		return 0, err
	}
	return ui.Subscribe(req)
}

// Subscribe subscribes to a stream in the current session and returns its lane ID.
func (ui *Inspector) Subscribe(req inspector.Request) (int, error) {
	sub, err := inspector.Subscribe(ui.ctx, ui.sess, req, inspector.Hooks{})
	if err != nil {
		return 0, err
	}
	id := sub.Lane().ID()
	ui.subs[id] = sub
	return id, nil
}

// compareRole is one URL of a comparison: its lane name and field label.
type compareRole struct {
	name, label, placeholder string
}

// compareRoles are the URLs the compare dialog asks for, in lane order;
// the first is the reference.
var compareRoles = []compareRole{
	{"direct", "Direct URL", "http://127.0.0.1:9001/stamped  (straight to the app)"},
	{"proxied", "Proxied URL", "http://127.0.0.1:8080/stamped  (through the proxy)"},
}

const prefCompareURLs = "compareURLs"

// ShowCompare opens the compare dialog: a direct and a proxied URL,
// subscribed side by side with the direct one as the reference. It
// offers the URLs of the last comparison.
func (ui *Inspector) ShowCompare() {
	direct := ui.newStreamFields(compareRoles[0].placeholder)
	var last []string
	_ = json.Unmarshal([]byte(ui.app.Preferences().String(prefCompareURLs)), &last)
	urls := []*keySelectEntry{direct.url}
	for _, r := range compareRoles[1:] {
		urls = append(urls, newURLEntry(nil, r.placeholder))
	}
	for i, e := range urls {
		if i < len(last) && last[i] != "" {
			e.SetText(last[i])
		}
	}
	var items []*widget.FormItem
	for i, e := range urls {
		items = append(items, widget.NewFormItem(compareRoles[i].label, e))
	}
	hops := widget.NewMultiLineEntry()
	hops.SetPlaceHolder("a chain: each further hop's URL outwards, one per line")
	hops.SetMinRowsVisible(2)
	labels := widget.NewEntry()
	labels.SetPlaceHolder("origin,nginx,cdn  (names of the hops of a chain, optional)")
	config := widget.NewEntry()
	config.SetPlaceHolder("optional: the outer proxy's nginx, HAProxy, Apache or Caddy configuration file")
	items = append(items,
		widget.NewFormItem("Further hops", hops),
		widget.NewFormItem("Hop names", labels),
		widget.NewFormItem("Method", direct.method),
		widget.NewFormItem("Headers", direct.headers),
		widget.NewFormItem("Body", direct.body),
		widget.NewFormItem("Proxy config", config))
	ui.showForm("Compare direct and proxied", "Compare", items, fyne.NewSize(640, 560), func() error {
		texts := make([]string, len(urls))
		for i, e := range urls {
			texts[i] = strings.TrimSpace(e.Text)
		}
		more := hopLines(hops.Text)
		others := append(slices.Clone(texts[1:]), more...)
		cfg, err := lintConfigFile(config.Text, others[len(others)-1])
		if err != nil {
			return err
		}
		b, _ := json.Marshal(texts)
		ui.app.Preferences().SetString(prefCompareURLs, string(b))
		form := direct.form()
		names := strings.Split(labels.Text, ",")
		ui.askToReplace("compare", func() {
			var err error
			if len(more) > 0 {
				err = ui.CompareChain(form, others, names)
			} else {
				err = ui.CompareURLs(form, others)
			}
			if err != nil {
				dialog.ShowError(err, ui.win)
				return
			}
			ui.config.Store(cfg)
		})
		return nil
	})
}

// Compare starts a new session with a direct lane (the reference) and a
// proxied lane sharing the same method, headers and body.
func (ui *Inspector) Compare(direct streamForm, proxiedURL string) error {
	return ui.CompareURLs(direct, []string{proxiedURL})
}

// CompareURLs starts a new session with a direct lane (the reference) and
// one lane per other URL, all sharing the direct form's method, headers
// and body. Lanes are named by compareRoles, or "hop N" beyond them.
func (ui *Inspector) CompareURLs(direct streamForm, others []string) error {
	forms := []streamForm{direct}
	for _, u := range others {
		f := direct
		f.URL = u
		forms = append(forms, f)
	}
	names := make([]string, len(forms))
	for i, f := range forms {
		names[i] = fmt.Sprintf("hop %d", i)
		if i < len(compareRoles) {
			names[i] = compareRoles[i].name
		}
		if _, err := f.request(names[i]); err != nil {
			return fmt.Errorf("%s: %w", names[i], err)
		}
	}
	ui.setSession(inspector.NewSession(inspector.Limits{}), "compare")
	for i, f := range forms {
		id, err := ui.AddStream(f, names[i])
		if err != nil {
			return err
		}
		if i == 0 {
			ui.setReference(id)
		}
	}
	return nil
}
