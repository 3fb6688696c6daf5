package config

import (
	"testing"
)

// planbot.example.yaml documents every key with its default: it must load,
// know no key the program does not, and agree with the defaults.
func TestExampleFileDocumentsEveryKey(t *testing.T) {
	c, err := Load(Input{File: "../planbot.example.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := Load(Input{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range c.Settings() {
		if s.Source != FromFile {
			t.Errorf("%s is not in planbot.example.yaml", s.Key)
		}
	}
	if c.Top != d.Top || c.MinCoverage != d.MinCoverage || c.Listen != d.Listen || c.APIURL != d.APIURL ||
		c.Workers != d.Workers || c.DrainTimeout != d.DrainTimeout || c.LogFormat != d.LogFormat {
		t.Errorf("example values differ from the defaults:\n%+v\n%+v", c, d)
	}
}
