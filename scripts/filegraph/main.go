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

func main() {
	verbose := os.Getenv("V") != ""
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo, Dir: os.Args[1]}
	pkgs, err := packages.Load(cfg, os.Args[2:]...)
	if err != nil {
		panic(err)
	}
	total := 0
	for _, p := range pkgs {
		if strings.Contains(p.PkgPath, "sfsim") || strings.HasSuffix(p.PkgPath, ".test") {
			continue
		}
		edges := map[[2]string]int{}
		for i, f := range p.Syntax {
			from := filepath.Base(p.Fset.Position(f.Pos()).Filename)
			_ = i
			if strings.HasSuffix(from, "_test.go") {
				continue
			}
			ast.Inspect(f, func(n ast.Node) bool {
				id, ok := n.(*ast.Ident)
				if !ok {
					return true
				}
				obj := p.TypesInfo.Uses[id]
				if obj == nil || obj.Pkg() != p.Types {
					return true
				}
				if v, ok := obj.(*types.Var); ok && !v.IsField() && obj.Parent() != p.Types.Scope() {
					return true
				}
				if obj.Parent() != nil && obj.Parent() != p.Types.Scope() {
					return true // locals
				}
				pos := p.Fset.Position(obj.Pos())
				to := filepath.Base(pos.Filename)
				if to != from && !strings.HasSuffix(to, "_test.go") {
					edges[[2]string{from, to}]++
				}
				return true
			})
		}
		// reachability
		adj := map[string][]string{}
		for e := range edges {
			adj[e[0]] = append(adj[e[0]], e[1])
		}
		reach := func(a, b string) bool {
			seen := map[string]bool{a: true}
			st := []string{a}
			for len(st) > 0 {
				x := st[len(st)-1]
				st = st[:len(st)-1]
				for _, y := range adj[x] {
					if y == b {
						return true
					}
					if !seen[y] {
						seen[y] = true
						st = append(st, y)
					}
				}
			}
			return false
		}
		var up []string
		for e := range edges {
			if reach(e[1], e[0]) {
				up = append(up, e[0]+" -> "+e[1])
			}
		}
		sort.Strings(up)
		lines, exp, fields := 0, 0, 0
		for _, f := range p.Syntax {
			fn := p.Fset.Position(f.Pos()).Filename
			if strings.HasSuffix(fn, "_test.go") {
				continue
			}
			lines += p.Fset.File(f.Pos()).LineCount()
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if d.Name.IsExported() {
						exp++
					}
				case *ast.GenDecl:
					for _, sp := range d.Specs {
						switch sp := sp.(type) {
						case *ast.TypeSpec:
							if sp.Name.IsExported() {
								exp++
								if st, ok := sp.Type.(*ast.StructType); ok {
									for _, fl := range st.Fields.List {
										for _, n := range fl.Names {
											if n.IsExported() {
												fields++
											}
										}
									}
								}
							}
						case *ast.ValueSpec:
							for _, n := range sp.Names {
								if n.IsExported() {
									exp++
								}
							}
						}
					}
				}
			}
		}
		fmt.Printf("%-55s lines %5d exported %4d fields %4d ", strings.TrimPrefix(p.PkgPath, "github.com/connectors-app/connectors/"), lines, exp, fields)
		fmt.Printf("file-edges %3d on-cycle %3d\n", len(edges), len(up))
		total += len(up)
		if verbose {
			for _, u := range up {
				fmt.Println("   ", u)
			}
		}
	}
	fmt.Println("total edges on cycles:", total)
}
