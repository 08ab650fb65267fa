package tmplexec

import (
	"html/template"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// escapers are the functions html/template adds to actions, by the name
// it gives them in an escaped tree, for the contexts the layouts use.
// Each covers the values it meets on pages and reports false for any
// other, whose escaping html/template then does itself.
var escapers = map[string]escaper{
	htmlEscaper: {func(v reflect.Value) (string, bool) {
		s, t, ok := content(v)
		switch {
		case !ok:
		case t == htmlType:
			return s, true // trusted HTML
		case t != jsType:
			return escapeText(s), true
		}
		return "", false
	}, escapeText},
	"_html_template_attrescaper": {func(v reflect.Value) (string, bool) {
		if s, t, ok := content(v); ok && t == stringType {
			return escapeText(s), true
		}
		return "", false // HTML in an attribute loses its tags first
	}, escapeText},
	"_html_template_urlfilter": {func(v reflect.Value) (string, bool) {
		if s, t, ok := content(v); ok && t == stringType {
			return filterURL(s), true
		}
		return "", false
	}, filterURL},
	"_html_template_urlnormalizer": {func(v reflect.Value) (string, bool) {
		if s, t, ok := content(v); ok && t == stringType {
			return normalizeURL(s), true
		}
		return "", false
	}, normalizeURL},
	"_html_template_jsvalescaper": {func(v reflect.Value) (string, bool) {
		if s, t, ok := content(v); ok && t == jsType {
			return s, true // trusted script
		}
		return "", false // anything else is marshalled to JSON
	}, nil},
}

// escaper is one of html/template's escapers: value escapes any value,
// text a string, what every escaper gives the next in an action (nil when
// strings are left to html/template). text(s) is value(s) for a string.
type escaper struct {
	value func(reflect.Value) (string, bool)
	text  func(string) string
}

// htmlEscaper is the escaper of text, which gives template.HTML as it is.
const htmlEscaper = "_html_template_htmlescaper"

var (
	htmlType = reflect.TypeFor[template.HTML]()
	jsType   = reflect.TypeFor[template.JS]()
)

// content is the text an escaper sees in v, and its type: string for
// strings, ints and bools (printed as fmt prints them), or one of the
// content types the escapers trust.
func content(v reflect.Value) (string, reflect.Type, bool) {
	v = indirectInterface(v)
	if !v.IsValid() {
		return "", nil, false
	}
	switch t := v.Type(); t {
	case stringType, htmlType, jsType:
		return v.String(), t, true
	case intType:
		return strconv.FormatInt(v.Int(), 10), stringType, true
	case boolType:
		return strconv.FormatBool(v.Bool()), stringType, true
	}
	return "", nil, false
}

var (
	intType  = reflect.TypeFor[int]()
	boolType = reflect.TypeFor[bool]()
)

type escapeCmd struct {
	escaper
	name string
}

func (c escapeCmd) eval(_ *state, _, final reflect.Value, hasFinal bool) (reflect.Value, error) {
	if !hasFinal {
		return reflect.Value{}, ErrFallback
	}
	s, ok := c.value(final)
	if !ok {
		return reflect.Value{}, ErrFallback
	}
	return reflect.ValueOf(s), nil
}

// textRefs are the bytes html/template replaces in HTML text and quoted
// attribute values, and what it writes instead.
var textRefs = [256]string{
	0:    "\uFFFD",
	'"':  "&#34;",
	'&':  "&amp;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'>':  "&gt;",
}

// escapeText escapes s for HTML text or a quoted attribute value, as
// html/template does for a string.
func escapeText(s string) string {
	for i := 0; i < len(s); i++ {
		if textRefs[s[i]] != "" {
			var b strings.Builder
			b.Grow(len(s) + 16)
			EscapeText(&b, s)
			return b.String()
		}
	}
	return s
}

// EscapeText writes s escaped for HTML text or a quoted attribute value,
// as html/template escapes a string there.
func EscapeText(b io.StringWriter, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		if ref := textRefs[s[i]]; ref != "" {
			b.WriteString(s[last:i])
			b.WriteString(ref)
			last = i + 1
		}
	}
	b.WriteString(s[last:])
}

// filterURL is u, or "#ZgotmplZ" for a URL of a scheme html/template
// does not let through.
func filterURL(u string) string {
	if !SafeURL(u) {
		return "#ZgotmplZ"
	}
	return u
}

// SafeURL reports whether u is relative or has one of the schemes
// html/template lets through: http, https and mailto.
func SafeURL(u string) bool {
	scheme, _, ok := strings.Cut(u, ":")
	return !ok || strings.Contains(scheme, "/") ||
		strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https") || strings.EqualFold(scheme, "mailto")
}

// urlKeep marks the bytes a URL keeps as they are: unreserved and
// reserved characters. A "%" is kept when it starts an escape.
var urlKeep = func() (keep [256]bool) {
	for c := range 256 {
		keep[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("!#$&*+,/:;=?@[]-._~", byte(c)) >= 0
	}
	return keep
}()

// normalizeURL percent-encodes the bytes that may not appear in a URL, as
// html/template's normalizer does.
func normalizeURL(u string) string {
	i := 0
	for ; i < len(u) && (urlKeep[u[i]] || isEscape(u, i)); i++ {
	}
	if i == len(u) {
		return u
	}
	var b strings.Builder
	b.Grow(len(u) + 16)
	NormalizeURL(&b, u)
	return b.String()
}

// NormalizeURL writes u with the bytes that may not appear in a URL
// percent-encoded, as html/template normalizes a URL attribute.
func NormalizeURL(b *strings.Builder, u string) {
	const digits = "0123456789abcdef"
	for i := 0; i < len(u); i++ {
		c := u[i]
		if urlKeep[c] || isEscape(u, i) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(digits[c>>4])
		b.WriteByte(digits[c&15])
	}
}

// isEscape reports whether u[i] starts a percent escape.
func isEscape(u string, i int) bool {
	return u[i] == '%' && i+2 < len(u) && isHex(u[i+1]) && isHex(u[i+2])
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }
