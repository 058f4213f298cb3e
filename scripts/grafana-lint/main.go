// grafana-lint checks earshot's Grafana boards against Grafana's own dashboard schema, as
// published in Go by grafana-foundation-sdk (types generated from Grafana's CUE schema): each
// board is decoded strictly (an unknown or misspelt key anywhere is an error), each panel's
// options and field config by the schema of its panel type, each Prometheus target by the
// Prometheus query schema, and then validated (required fields, enums, constraints).
//
// Run: go run ./scripts/grafana-lint dashboards/grafana/dashboards/*.json
// (dashboards/grafana/grafana.test.ts runs it in `npm test`).
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/grafana/grafana-foundation-sdk/go/barchart"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/text"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

func main() {
	runtime := cog.NewRuntime()
	// The panel types the boards may use; a panel of another type is an error below, so a
	// new one is added here on purpose (and then checked by its own schema).
	for _, v := range []struct {
		id  string
		reg func()
	}{
		{"barchart", func() { runtime.RegisterPanelcfgVariant(barchart.VariantConfig()) }},
		{"stat", func() { runtime.RegisterPanelcfgVariant(stat.VariantConfig()) }},
		{"table", func() { runtime.RegisterPanelcfgVariant(table.VariantConfig()) }},
		{"text", func() { runtime.RegisterPanelcfgVariant(text.VariantConfig()) }},
		{"timeseries", func() { runtime.RegisterPanelcfgVariant(timeseries.VariantConfig()) }},
	} {
		v.reg()
	}
	runtime.RegisterDataqueryVariant(prometheus.VariantConfig())

	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: grafana-lint board.json…")
		os.Exit(2)
	}
	problems := 0
	for _, file := range os.Args[1:] {
		raw, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
			problems++
			continue
		}
		board := dashboard.Dashboard{}
		if err := board.UnmarshalJSONStrict(raw); failed(err) {
			fmt.Printf("%s: does not match the dashboard schema: %v\n", file, err)
			problems++
			continue
		}
		if err := board.Validate(); failed(err) {
			fmt.Printf("%s: invalid: %v\n", file, err)
			problems++
			continue
		}
		// The generated decoder checks each panel but keeps none (its error list is an
		// interface even when empty), so panel types are read from the JSON itself.
		var plain struct {
			Panels []struct {
				Type  string `json:"type"`
				Title string `json:"title"`
			} `json:"panels"`
		}
		if err := json.Unmarshal(raw, &plain); err != nil {
			fmt.Printf("%s: %v\n", file, err)
			problems++
			continue
		}
		n := len(plain.Panels)
		for _, p := range plain.Panels {
			if _, known := runtime.ConfigForPanelcfgVariant(p.Type); !known && p.Type != "row" {
				fmt.Printf("%s: panel %q: type %q is not one grafana-lint checks (add its schema)\n", file, p.Title, p.Type)
				problems++
			}
		}
		fmt.Printf("%s: ok (%d panels, schema-checked)\n", file, n)
	}
	if problems > 0 {
		fmt.Printf("%d problem(s)\n", problems)
		os.Exit(1)
	}
}

// failed: the generated code returns its error list as an interface even when it is empty.
func failed(err error) bool {
	var list cog.BuildErrors
	if errors.As(err, &list) {
		return len(list) > 0
	}
	return err != nil
}
