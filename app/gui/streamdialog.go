package gui

import (
	"encoding/json"
	"net/http"
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
	url                   *widget.SelectEntry
	method                *widget.Select
	headers, body, lastID *widget.Entry
}

func (ui *Inspector) newStreamFields(placeholder string) *streamFields {
	recent := ui.recentStreams()
	urls := make([]string, 0, len(recent))
	for _, r := range recent {
		urls = append(urls, r.URL)
	}
	f := &streamFields{
		url:     widget.NewSelectEntry(urls),
		method:  widget.NewSelect([]string{"GET", "POST", "PUT", "PATCH"}, nil),
		headers: widget.NewMultiLineEntry(),
		body:    widget.NewMultiLineEntry(),
		lastID:  widget.NewEntry(),
	}
	f.url.SetPlaceHolder(placeholder)
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
	name := widget.NewEntry()
	name.SetPlaceHolder("optional lane name")
	items := []*widget.FormItem{
		widget.NewFormItem("URL", f.url),
		widget.NewFormItem("Name", name),
		widget.NewFormItem("Method", f.method),
		widget.NewFormItem("Headers", f.headers),
		widget.NewFormItem("Body", f.body),
		widget.NewFormItem("Last-Event-ID", f.lastID),
	}
	d := dialog.NewForm("Add stream", "Subscribe", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		form := f.form()
		if _, err := ui.AddStream(form, name.Text); err != nil {
			dialog.ShowError(err, ui.win)
			return
		}
		ui.rememberStream(form)
	}, ui.win)
	d.Resize(fyne.NewSize(620, 480))
	d.Show()
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

// ShowCompare opens the compare dialog: a direct and a proxied URL,
// subscribed side by side with the direct one as the reference.
func (ui *Inspector) ShowCompare() {
	direct := ui.newStreamFields("http://127.0.0.1:9001/stamped  (straight to the app)")
	proxied := widget.NewSelectEntry(nil)
	proxied.SetPlaceHolder("http://127.0.0.1:8080/stamped  (through the proxy)")
	items := []*widget.FormItem{
		widget.NewFormItem("Direct URL", direct.url),
		widget.NewFormItem("Proxied URL", proxied),
		widget.NewFormItem("Method", direct.method),
		widget.NewFormItem("Headers", direct.headers),
		widget.NewFormItem("Body", direct.body),
	}
	d := dialog.NewForm("Compare direct and proxied", "Compare", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		if err := ui.Compare(direct.form(), proxied.Text); err != nil {
			dialog.ShowError(err, ui.win)
		}
	}, ui.win)
	d.Resize(fyne.NewSize(640, 440))
	d.Show()
}

// Compare starts a new session with a direct lane (the reference) and a
// proxied lane sharing the same method, headers and body.
func (ui *Inspector) Compare(direct streamForm, proxiedURL string) error {
	proxied := direct
	proxied.URL = proxiedURL
	if _, err := proxied.request("proxied"); err != nil {
		return err
	}
	if _, err := direct.request("direct"); err != nil {
		return err
	}
	ui.setSession(inspector.NewSession(inspector.Limits{}), "compare")
	ref, err := ui.AddStream(direct, "direct")
	if err != nil {
		return err
	}
	if _, err := ui.AddStream(proxied, "proxied"); err != nil {
		return err
	}
	ui.setReference(ref)
	return nil
}
