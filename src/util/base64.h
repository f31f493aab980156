/* Base64 (RFC 4648), the one codec of the project.  Encoding is OpenSSL's
 * EVP_EncodeBlock; decoding checks and normalises the text (whitespace,
 * the URL-safe alphabet, missing padding: none of which EVP_DecodeBlock
 * accepts) before handing it to EVP_DecodeBlock, then drops the zero bytes
 * it writes for the padding. */
#ifndef SNARE_BASE64_H
#define SNARE_BASE64_H

#include <stddef.h>
#include <sys/types.h>

/* Length of the padded base64 of |n| bytes, without the NUL. */
#define BASE64_LEN(n) (((n) + 2) / 3 * 4)

/* Writes the padded standard base64 of |in| (|n| bytes) and a NUL to |out|,
 * which holds BASE64_LEN(n) + 1 bytes.  Returns the length written. */
size_t base64_encode_to(char *out, const void *in, size_t n);

/* The padded standard base64 of |in| (|n| bytes), newly allocated. */
char *base64_encode(const void *in, size_t n);

/* Decodes |len| characters of base64 at |in|: the standard or the URL-safe
 * alphabet, padding optional, ASCII whitespace ignored.  Writes at most |cap|
 * bytes to |out| and returns the whole decoded length (larger than |cap|
 * when the output was cut short), or -1 when |in| is not base64. */
ssize_t base64_decode(const char *in, size_t len, unsigned char *out, size_t cap);

#endif
