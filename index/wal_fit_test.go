package index

// quantRecordV1 appends the record that the lazy-fit builds before log
// version 2 (commits fc7994d to 994dacf) wrote ahead of a fitting write's
// upserts: opQuant, lo (f32 x dim), scale (f32 x dim). This build no longer
// writes it; it only reads it from version-1 logs.
func quantRecordV1(dst []byte, q *quantizer) []byte {
	var e enc
	e.u8(opQuant)
	e.f32s(q.lo)
	e.f32s(q.scale)
	return appendRecord(dst, e.b)
}
