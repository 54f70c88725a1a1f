package packaging

import (
	"fmt"
	"strings"

	"github.com/connectors-app/connectors/internal/safetext"
)

// MaxResourceNameLen is the longest static resource name accepted (sfsim's limit;
// Salesforce does not document one).
const MaxResourceNameLen = 255

const nameRule = "a static resource name may contain only letters, digits and single underscores, " +
	"must start with a letter and must not end with an underscore"

// ValidateResourceName checks a StaticResource name against Salesforce's rule
// (^[A-Za-z](?:_?[A-Za-z0-9])*$, at most 255 characters). The error is a
// *ValidationError whose Fix suggests a valid name.
func ValidateResourceName(name string) error {
	reason := resourceNameProblem(name)
	if reason == "" {
		return nil
	}
	if safetext.MaySecret(name) {
		// a key or a secret given to --resource: neither it nor a name made from it is shown
		return &ValidationError{
			ID:     "invalid_name_hidden",
			Reason: fmt.Sprintf("the resource name, %s, is not a valid static resource name: %s", safetext.Value(name), nameRule),
			Fix:    "Give a name of letters, digits and single underscores that starts with a letter, e.g. Site_Content.",
			Err:    ErrInvalidName,
		}
	}
	return &ValidationError{
		ID:     "invalid_name",
		Args:   map[string]any{"Name": safetext.Escape(name), "Suggestion": SuggestResourceName(name)},
		Reason: fmt.Sprintf("%q is not a valid static resource name (%s): %s", name, reason, nameRule),
		Fix:    fmt.Sprintf("Use %q instead.", SuggestResourceName(name)),
		Err:    ErrInvalidName,
	}
}

// resourceNameProblem returns "" for a valid name, else what is wrong.
func resourceNameProblem(name string) string {
	switch {
	case name == "":
		return "it is empty"
	case len(name) > MaxResourceNameLen:
		return fmt.Sprintf("it is %d characters long, over the limit of %d", len(name), MaxResourceNameLen)
	case !isASCIILetter(name[0]):
		return "it does not start with a letter"
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case isASCIILetter(c) || isASCIIDigit(c):
		case c == '_':
			if i+1 < len(name) && name[i+1] == '_' {
				return "it contains two underscores in a row"
			}
			if i == len(name)-1 {
				return "it ends with an underscore"
			}
		default:
			r := []rune(name[i:])[0]
			if r == ' ' {
				return "it contains a space"
			}
			return fmt.Sprintf("it contains %q", r)
		}
	}
	return ""
}

// SuggestResourceName turns any string into a valid StaticResource name:
// other characters become underscores, runs of underscores collapse, a name
// not starting with a letter gets a "Resource_" prefix. A valid name is
// returned unchanged.
func SuggestResourceName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pendingUnderscore := false
	for _, r := range s {
		if r < 0x80 && (isASCIILetter(byte(r)) || isASCIIDigit(byte(r))) {
			if pendingUnderscore && b.Len() > 0 {
				b.WriteByte('_')
			}
			pendingUnderscore = false
			b.WriteRune(r)
			continue
		}
		pendingUnderscore = true
	}
	out := b.String()
	switch {
	case out == "":
		return "Resource"
	case !isASCIILetter(out[0]):
		out = "Resource_" + out
	}
	if len(out) > MaxResourceNameLen {
		out = strings.TrimRight(out[:MaxResourceNameLen], "_")
	}
	return out
}

func isASCIILetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isASCIIDigit(c byte) bool  { return c >= '0' && c <= '9' }
