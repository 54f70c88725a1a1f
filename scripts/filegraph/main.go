// filegraph prints, per package, its production lines, exported names and
// fields, its file-to-file references, and how many of them lie on a cycle
// (a file reaching back up to one that reaches it). A module of its own, so
// that golang.org/x/tools stays out of the app's go.mod:
//
//	cd scripts/filegraph && go run . ../.. ./...    (V=1 lists the edges)
//
// An "upward" reference is an edge A->B where B also reaches A (the pair
// lies on a cycle of the package's file graph). sfsim is left out.
package main

import (
	"fmt"
	"go/ast"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

const module = "github.com/connectors-app/connectors/"

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: filegraph REPO PATTERN...")
		os.Exit(2)
	}
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo, Dir: os.Args[1]}
	pkgs, err := packages.Load(cfg, os.Args[2:]...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	total := 0
	for _, p := range pkgs {
		if strings.Contains(p.PkgPath, "sfsim") {
			continue
		}
		edges := fileEdges(p)
		up := upward(edges)
		lines, exported, fields := counts(p)
		fmt.Printf("%-55s lines %5d exported %4d fields %4d file-edges %3d on-cycle %3d\n",
			strings.TrimPrefix(p.PkgPath, module), lines, exported, fields, len(edges), len(up))
		total += len(up)
		if os.Getenv("V") != "" {
			for _, u := range up {
				fmt.Println("   ", u)
			}
		}
	}
	fmt.Println("total edges on cycles:", total)
}

// fileName is the path of f.
func fileName(p *packages.Package, f *ast.File) string {
	return p.Fset.Position(f.Pos()).Filename
}

// fileEdges are the references from one production file of p to another
// (package-level names, methods and fields declared in p).
func fileEdges(p *packages.Package) map[[2]string]bool {
	edges := map[[2]string]bool{}
	for _, f := range p.Syntax {
		from := filepath.Base(fileName(p, f))
		if strings.HasSuffix(from, "_test.go") {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if to := declaredIn(p, p.TypesInfo.Uses[id]); to != "" && to != from && !strings.HasSuffix(to, "_test.go") {
					edges[[2]string{from, to}] = true
				}
			}
			return true
		})
	}
	return edges
}

// declaredIn is the file of p that declares obj, or "" for a name that
// is not p's or is local to a function.
func declaredIn(p *packages.Package, obj types.Object) string {
	if obj == nil || obj.Pkg() != p.Types {
		return ""
	}
	if v, ok := obj.(*types.Var); ok && !v.IsField() && obj.Parent() != p.Types.Scope() {
		return ""
	}
	if obj.Parent() != nil && obj.Parent() != p.Types.Scope() {
		return ""
	}
	return filepath.Base(p.Fset.Position(obj.Pos()).Filename)
}

// upward lists the edges whose target reaches back to their source.
func upward(edges map[[2]string]bool) []string {
	adj := map[string][]string{}
	for e := range edges {
		adj[e[0]] = append(adj[e[0]], e[1])
	}
	var up []string
	for e := range edges {
		if reaches(adj, e[1], e[0]) {
			up = append(up, e[0]+" -> "+e[1])
		}
	}
	sort.Strings(up)
	return up
}

// reaches reports whether b can be reached from a.
func reaches(adj map[string][]string, a, b string) bool {
	seen := map[string]bool{a: true}
	stack := []string{a}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, y := range adj[x] {
			if y == b {
				return true
			}
			if !seen[y] {
				seen[y] = true
				stack = append(stack, y)
			}
		}
	}
	return false
}

// counts are p's production lines, exported top-level names and the
// exported fields of its exported structs.
func counts(p *packages.Package) (lines, exported, fields int) {
	for _, f := range p.Syntax {
		if strings.HasSuffix(fileName(p, f), "_test.go") {
			continue
		}
		lines += p.Fset.File(f.Pos()).LineCount()
		for _, d := range f.Decls {
			e, fl := exportedIn(d)
			exported += e
			fields += fl
		}
	}
	return lines, exported, fields
}

// exportedIn counts the exported names a declaration declares, and the
// exported fields of the exported structs among them.
func exportedIn(d ast.Decl) (exported, fields int) {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Name.IsExported() {
			exported++
		}
	case *ast.GenDecl:
		for _, sp := range d.Specs {
			e, f := exportedInSpec(sp)
			exported += e
			fields += f
		}
	}
	return exported, fields
}

func exportedInSpec(sp ast.Spec) (exported, fields int) {
	switch sp := sp.(type) {
	case *ast.TypeSpec:
		if !sp.Name.IsExported() {
			return 0, 0
		}
		if st, ok := sp.Type.(*ast.StructType); ok {
			for _, fl := range st.Fields.List {
				for _, n := range fl.Names {
					if n.IsExported() {
						fields++
					}
				}
			}
		}
		return 1, fields
	case *ast.ValueSpec:
		for _, n := range sp.Names {
			if n.IsExported() {
				exported++
			}
		}
	}
	return exported, 0
}
