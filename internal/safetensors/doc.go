// Package safetensors reads and writes the safetensors checkpoint format of
// Hugging Face (https://github.com/huggingface/safetensors), which PyTorch, JAX
// and others load without executing code.
//
// # Format
//
// A file is an 8-byte little-endian header length N, N bytes of UTF-8 JSON, then
// a byte buffer holding the tensors, row-major and little-endian:
//
//	{"__metadata__": {"key": "value", ...},
//	 "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
//
// Offsets are relative to the start of the buffer. The buffer must be covered
// exactly by the tensors: no overlaps and no holes. The header may end with
// spaces; Save pads it so that the buffer starts at a multiple of 8 bytes, as the
// reference implementation does. Only dtype F32 is supported (contrast is a
// float32 engine); files holding other dtypes are rejected with an error that
// names the tensor and its dtype.
//
// # Safety
//
// Save writes a temporary file in the target directory, syncs it, renames it over
// the target and syncs the directory, so a crash leaves either the old file or
// the new one. Load and Decode validate the header length against the file size,
// the JSON (no duplicate keys), every dtype, shape and offset, and the coverage
// of the buffer, and return errors rather than panicking on any input; a fuzz
// target checks that.
package safetensors
