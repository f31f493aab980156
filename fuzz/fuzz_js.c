/* Harness for the JavaScript tokenizer and the capabilities read from its
 * tokens (src/static/static.h: js_next(), js_string_value(),
 * static_caps_file()).
 *
 * Input: a code file.  The tokens must lie within the input, in order,
 * each at least one byte, never over a line break that the lexer did not
 * count, with lines that never go back; a string value written into
 * buffers of 1, 4 and 64 bytes stays NUL-terminated within them.  The
 * capabilities of the file are consistent: every kind is counted, each
 * kind has at most three locations and no more than its count, each on a
 * line of the input. */
#include <string.h>

#include "fuzz.h"
#include "static/static.h"
#include "util/xalloc.h"

static void js_fuzz_value(const struct js_token *t)
{
	static const size_t caps[] = {1, 4, 64};

	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		char *buf = xmalloc(caps[i] + 1);
		memset(buf, 'V', caps[i] + 1);
		size_t n = js_string_value(t, buf, caps[i], NULL);
		FUZZ_CHECK(n < caps[i] && buf[n] == '\0' && buf[caps[i]] == 'V');
		free(buf);
	}
}

static unsigned js_fuzz_tokens(const char *src, size_t size)
{
	struct js_lexer lx;
	struct js_token t;
	const char *last = src, *counted = src;
	unsigned line = 1, lines = 1, before = 1;

	for (size_t i = 0; i < size; i++)
		lines += src[i] == '\n';
	js_lexer_init(&lx, src, size);
	while (js_next(&lx, &t)) {
		FUZZ_CHECK(t.kind != JS_END && t.len >= 1);
		FUZZ_CHECK(t.p >= last && t.p + t.len <= src + size);
		FUZZ_CHECK(t.line >= line && t.line <= lines);
		/* the token's line is the number of line breaks before it, plus one */
		for (; counted < t.p; counted++)
			before += *counted == '\n';
		FUZZ_CHECK(t.line == before);
		if (t.kind == JS_STRING || t.kind == JS_TEMPLATE)
			js_fuzz_value(&t);
		last = t.p + t.len;
		line = t.line;
	}
	FUZZ_CHECK(t.kind == JS_END && !js_next(&lx, &t));
	return lines;
}

static void js_fuzz_caps(const char *src, size_t size, unsigned lines)
{
	struct static_caps *c = static_caps_new();
	json_t *s, *counts;
	const char *k;
	json_t *v;
	size_t i;

	static_caps_exe(c, "bin/x.exe");
	static_caps_file(c, "f.js", src, size);
	s = static_caps_finish(c, json_object());
	counts = json_object_get(s, "capability_counts");
	FUZZ_CHECK(json_object_size(counts) == 10);
	json_object_foreach (counts, k, v) {
		size_t seen = 0;
		json_t *e;
		json_array_foreach (json_object_get(s, "capabilities"), i, e)
			seen += !strcmp(json_string_value(json_object_get(e, "kind")), k);
		FUZZ_CHECK(json_is_integer(v) && seen <= 3 &&
			   (json_int_t)seen <= json_integer_value(v));
		FUZZ_CHECK(seen == 3 || (json_int_t)seen == json_integer_value(v));
	}
	json_array_foreach (json_object_get(s, "capabilities"), i, v) {
		json_int_t line = json_integer_value(json_object_get(v, "line"));
		FUZZ_CHECK(line >= 1 && line <= (json_int_t)lines);
		FUZZ_CHECK(!strcmp(json_string_value(json_object_get(v, "file")), "f.js"));
	}
	json_decref(s);
}

int fuzz_js(const uint8_t *data, size_t size)
{
	char *src = xmalloc(size ? size : 1);

	memcpy(src, data, size);
	js_fuzz_caps(src, size, js_fuzz_tokens(src, size));
	free(src);
	return 0;
}

FUZZ_MAIN(js)
