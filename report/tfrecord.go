package report

import (
	"encoding/binary"
	"hash/crc32"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// tfrecordMaskDelta is added to the rotated CRC by TFRecord's masking.
const tfrecordMaskDelta = 0xa282ead8

// maskedCRC32C is TFRecord's checksum of data: the CRC-32C (Castagnoli),
// rotated right by 15 bits plus a constant, so that a CRC stored inside
// checksummed data does not checksum to a fixed value.
func maskedCRC32C(data []byte) uint32 {
	crc := crc32.Checksum(data, castagnoli)
	return (crc>>15 | crc<<17) + tfrecordMaskDelta
}

// appendTFRecord frames data as one TFRecord:
//
//	uint64 length (little-endian)
//	uint32 masked CRC-32C of the 8 length bytes
//	data
//	uint32 masked CRC-32C of data
func appendTFRecord(b, data []byte) []byte {
	start := len(b)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(data)))
	b = binary.LittleEndian.AppendUint32(b, maskedCRC32C(b[start:start+8]))
	b = append(b, data...)
	return binary.LittleEndian.AppendUint32(b, maskedCRC32C(data))
}
