package augment

// Deterministic colour adjustments with torchvision.transforms.functional
// semantics on images in [0, 1]; brightness, contrast and saturation clamp
// their result to [0, 1]. Each accepts dst == src.

// Luma weights of ITU-R BT.601, as torchvision's rgb_to_grayscale.
const (
	lumaR = 0.2989
	lumaG = 0.587
	lumaB = 0.114
)

// AdjustBrightness writes clamp(f*x).
func AdjustBrightness(dst, src []float32, s Shape, f float32) {
	check("AdjustBrightness", dst, src, s, s)
	for i, v := range src {
		dst[i] = clamp01(f * v)
	}
}

// AdjustContrast blends each value with the mean grey level m of the whole
// image: clamp(f*x + (1-f)*m). For RGB m is the mean of the luma.
func AdjustContrast(dst, src []float32, s Shape, f float32) {
	check("AdjustContrast", dst, src, s, s)
	checkChannels("AdjustContrast", s)
	var m float64
	if s.C == 1 {
		for _, v := range src {
			m += float64(v)
		}
	} else {
		n := s.H * s.W
		r, g, b := src[:n], src[n:2*n], src[2*n:]
		for i := range r {
			m += float64(lumaR*r[i] + lumaG*g[i] + lumaB*b[i])
		}
	}
	mean := float32(m / float64(s.H*s.W))
	off := (1 - f) * mean
	for i, v := range src {
		dst[i] = clamp01(f*v + off)
	}
}

// AdjustSaturation blends each RGB pixel with its luma: clamp(f*x + (1-f)*l).
// Grey images are copied unchanged.
func AdjustSaturation(dst, src []float32, s Shape, f float32) {
	check("AdjustSaturation", dst, src, s, s)
	checkChannels("AdjustSaturation", s)
	if s.C == 1 {
		copyIfDistinct(dst, src)
		return
	}
	n := s.H * s.W
	r, g, b := src[:n], src[n:2*n], src[2*n:]
	dr, dg, db := dst[:n], dst[n:2*n], dst[2*n:]
	for i := range r {
		l := (1 - f) * (lumaR*r[i] + lumaG*g[i] + lumaB*b[i])
		dr[i] = clamp01(f*r[i] + l)
		dg[i] = clamp01(f*g[i] + l)
		db[i] = clamp01(f*b[i] + l)
	}
}

// AdjustHue rotates the hue of every RGB pixel by h turns (h in [-0.5, 0.5])
// in HSV space, keeping saturation and value. Grey images are copied.
func AdjustHue(dst, src []float32, s Shape, h float32) {
	check("AdjustHue", dst, src, s, s)
	checkChannels("AdjustHue", s)
	if s.C == 1 || h == 0 {
		copyIfDistinct(dst, src)
		return
	}
	n := s.H * s.W
	r, g, b := src[:n], src[n:2*n], src[2*n:]
	dr, dg, db := dst[:n], dst[n:2*n], dst[2*n:]
	for i := range r {
		hh, ss, vv := rgbToHSV(r[i], g[i], b[i])
		hh += h
		hh -= float32(int(hh+1)) - 1 // wrap into [0, 1)
		if hh >= 1 {
			hh -= 1
		}
		dr[i], dg[i], db[i] = hsvToRGB(hh, ss, vv)
	}
}

// rgbToHSV returns hue in [0, 1), saturation and value.
func rgbToHSV(r, g, b float32) (h, s, v float32) {
	mx := max(r, g, b)
	mn := min(r, g, b)
	v = mx
	d := mx - mn
	if d <= 0 {
		return 0, 0, v
	}
	s = d / mx
	switch mx {
	case r:
		h = (g - b) / d
	case g:
		h = 2 + (b-r)/d
	default:
		h = 4 + (r-g)/d
	}
	h /= 6
	if h < 0 {
		h += 1
	}
	return h, s, v
}

// hsvToRGB inverts rgbToHSV for hue in [0, 1).
func hsvToRGB(h, s, v float32) (r, g, b float32) {
	h6 := h * 6
	i := int(h6)
	f := h6 - float32(i)
	p := v * (1 - s)
	q := v * (1 - s*f)
	t := v * (1 - s*(1-f))
	switch i % 6 {
	case 0:
		return v, t, p
	case 1:
		return q, v, p
	case 2:
		return p, v, t
	case 3:
		return p, q, v
	case 4:
		return t, p, v
	default:
		return v, p, q
	}
}

// ToGrayscale replaces every RGB pixel by its luma in all three channels;
// grey images are copied.
func ToGrayscale(dst, src []float32, s Shape) {
	check("ToGrayscale", dst, src, s, s)
	checkChannels("ToGrayscale", s)
	if s.C == 1 {
		copyIfDistinct(dst, src)
		return
	}
	n := s.H * s.W
	r, g, b := src[:n], src[n:2*n], src[2*n:]
	dr, dg, db := dst[:n], dst[n:2*n], dst[2*n:]
	for i := range r {
		l := lumaR*r[i] + lumaG*g[i] + lumaB*b[i]
		dr[i], dg[i], db[i] = l, l, l
	}
}
