package report

import (
	"image/color"
	"math"
)

// tab10 is matplotlib's default categorical palette (Vega's category10), the
// colours people expect classes and series to have.
var tab10 = [...]color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, {0xff, 0x7f, 0x0e, 0xff}, {0x2c, 0xa0, 0x2c, 0xff},
	{0xd6, 0x27, 0x28, 0xff}, {0x94, 0x67, 0xbd, 0xff}, {0x8c, 0x56, 0x4b, 0xff},
	{0xe3, 0x77, 0xc2, 0xff}, {0x7f, 0x7f, 0x7f, 0xff}, {0xbc, 0xbd, 0x22, 0xff},
	{0x17, 0xbe, 0xcf, 0xff},
}

// categoryColor is the colour of category i of n: tab10 for up to ten,
// otherwise hues spread evenly around the HSV circle (distinct, if less
// memorable, for any n).
func categoryColor(i, n int) color.RGBA {
	if n <= len(tab10) {
		return tab10[i%len(tab10)]
	}
	// Alternate two value levels so neighbouring hues stay apart.
	v := 0.85
	if i%2 == 1 {
		v = 0.6
	}
	return hsv(float64(i)/float64(n), 0.75, v)
}

func hsv(h, s, v float64) color.RGBA {
	h = math.Mod(h, 1) * 6
	c := v * s
	x := c * (1 - math.Abs(math.Mod(h, 2)-1))
	var r, g, b float64
	switch int(h) {
	case 0:
		r, g, b = c, x, 0
	case 1:
		r, g, b = x, c, 0
	case 2:
		r, g, b = 0, c, x
	case 3:
		r, g, b = 0, x, c
	case 4:
		r, g, b = x, 0, c
	default:
		r, g, b = c, 0, x
	}
	m := v - c
	to8 := func(f float64) uint8 { return uint8(math.Round((f + m) * 255)) }
	return color.RGBA{to8(r), to8(g), to8(b), 0xff}
}

func nan() float64 { return math.NaN() }
