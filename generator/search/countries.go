package search

import "pledgesite/generator/vocab"

func countryName(code string) string {
	c, _ := vocab.LookupCountry(code)
	return c.Name
}
