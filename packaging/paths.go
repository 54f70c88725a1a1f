package packaging

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/connectors-app/connectors/internal/safetext"
)

// checkEntryName validates a slash-separated entry name (without the trailing
// "/" of a directory entry). It returns nil or a *ValidationError.
func checkEntryName(name, display string, maxLen int) *ValidationError {
	if id, reason := entryNameProblem(name); id != "" {
		return insecurePath(display, id, reason)
	}
	if maxLen > 0 && len(name) > maxLen {
		return pathTooLong(display, len(name), maxLen)
	}
	return nil
}

// insecurePath is the error for an entry name that breaks one of the path rules.
func insecurePath(display, id, reason string) *ValidationError {
	return &ValidationError{
		Entry:  safetext.Escape(display),
		ID:     id,
		Reason: reason,
		Fix:    "Rebuild the ZIP from a folder so every file sits inside it, with a plain relative path.",
		Err:    ErrInsecurePath,
	}
}

// pathTooLong is the error for an entry name of length bytes, over maxLen.
func pathTooLong(display string, length, maxLen int) *ValidationError {
	return &ValidationError{
		Entry:  safetext.Escape(display),
		ID:     "path_too_long",
		Reason: fmt.Sprintf("the path is %d bytes long, over the limit of %d", length, maxLen),
		Args:   map[string]any{"Length": length, "Max": maxLen},
		Fix:    "Shorten the file or folder names.",
		Err:    ErrInsecurePath,
	}
}

// entryNameProblem returns the ID and reason of the first path rule name
// breaks, checking its characters before its shape; an empty ID if none.
func entryNameProblem(name string) (id, reason string) {
	if id, reason = nameCharactersProblem(name); id != "" {
		return id, reason
	}
	return nameShapeProblem(name)
}

// nameCharactersProblem checks that name is non-empty, valid UTF-8 and free
// of control characters.
func nameCharactersProblem(name string) (id, reason string) {
	if name == "" {
		return "path_empty", "the entry has an empty name"
	}
	if !utf8.ValidString(name) {
		return "path_not_utf8", "the name is not valid UTF-8"
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return "path_control", "the name contains a control character"
		}
	}
	return "", ""
}

// nameShapeProblem checks that name is a plain relative "/"-separated path
// that stays inside the bundle folder and is a valid Windows file name.
func nameShapeProblem(name string) (id, reason string) {
	switch {
	case strings.Contains(name, `\`):
		return "path_backslash", `the path contains a backslash ("\"); ZIP paths must use "/"`
	case strings.HasPrefix(name, "/"):
		return "path_absolute", "the path is absolute"
	case len(name) >= 2 && name[1] == ':' && isASCIILetter(name[0]):
		return "path_drive", "the path starts with a drive letter"
	case strings.Contains(name, ":"):
		return "path_colon", `the path contains ":", which Windows and Salesforce do not allow in file names`
	}
	for _, seg := range strings.Split(name, "/") {
		if seg == ".." {
			return "path_dotdot", `the path contains "..", which would leave the bundle folder`
		}
	}
	if !fs.ValidPath(name) || !filepath.IsLocal(filepath.FromSlash(name)) {
		return "path_not_plain", `the path is not a plain relative path (empty, "." or doubled "/" segments)`
	}
	return "", ""
}

// nameSet detects exact, case-insensitive and file-versus-folder clashes.
type nameSet struct {
	files map[string]string // fold(name) -> name
	dirs  map[string]string // fold(dir)  -> dir (explicit and implied parents)
}

func newNameSet(n int) *nameSet {
	return &nameSet{files: make(map[string]string, n), dirs: make(map[string]string)}
}

func fold(s string) string { return strings.ToLower(s) }

func duplicate(entry, id, other, reason string) *ValidationError {
	return &ValidationError{
		Entry:  safetext.Escape(entry),
		ID:     id,
		Args:   map[string]any{"Other": safetext.Escape(other)},
		Reason: reason,
		Fix:    "Keep one of them and rename or remove the other; Salesforce serves names case-insensitively.",
		Err:    ErrDuplicate,
	}
}

// addFile records a regular file; it reports a clash with an earlier file or folder.
func (s *nameSet) addFile(name string) *ValidationError {
	k := fold(name)
	if prev, ok := s.files[k]; ok {
		if prev == name {
			return duplicate(name, "duplicate_file", "", "the bundle contains this file twice")
		}
		return duplicate(name, "duplicate_case", prev, fmt.Sprintf("the name differs from %q only by upper/lower case", prev))
	}
	if prev, ok := s.dirs[k]; ok {
		return duplicate(name, "file_and_folder", prev+"/", fmt.Sprintf("the name is both a file and a folder (%q)", prev+"/"))
	}
	s.files[k] = name
	return s.addParents(name)
}

// addDir records a directory (explicit entry or implied parent).
func (s *nameSet) addDir(dir string) *ValidationError {
	k := fold(dir)
	if prev, ok := s.files[k]; ok {
		return duplicate(prev, "file_and_folder", dir+"/", fmt.Sprintf("the name is both a file and a folder (%q)", dir+"/"))
	}
	if _, ok := s.dirs[k]; ok {
		return nil
	}
	s.dirs[k] = dir
	return s.addParents(dir)
}

func (s *nameSet) addParents(name string) *ValidationError {
	if i := strings.LastIndexByte(name, '/'); i > 0 {
		return s.addDir(name[:i])
	}
	return nil
}
