package augment

// bilinear samples plane p (h x w) at the continuous pixel position (fy, fx),
// pixel centres at integers; neighbours outside the image count as fill.
func bilinear(p []float32, h, w int, fy, fx, fill float32) float32 {
	if fy <= -1 || fx <= -1 || fy >= float32(h) || fx >= float32(w) {
		return fill
	}
	// floor for values in (-1, size): int() truncates toward zero.
	y0, x0 := int(fy+1)-1, int(fx+1)-1
	ly, lx := fy-float32(y0), fx-float32(x0)
	at := func(y, x int) float32 {
		if y < 0 || x < 0 || y >= h || x >= w {
			return fill
		}
		return p[y*w+x]
	}
	if y0 >= 0 && x0 >= 0 && y0+1 < h && x0+1 < w {
		i := y0*w + x0
		top := p[i] + lx*(p[i+1]-p[i])
		bot := p[i+w] + lx*(p[i+w+1]-p[i+w])
		return top + ly*(bot-top)
	}
	top := at(y0, x0) + lx*(at(y0, x0+1)-at(y0, x0))
	bot := at(y0+1, x0) + lx*(at(y0+1, x0+1)-at(y0+1, x0))
	return top + ly*(bot-top)
}
