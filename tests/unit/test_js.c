/* The JavaScript tokenizer (static/js.c): token kinds and texts, regular
 * expressions versus division, template nesting, comments, line numbers,
 * string values and unterminated input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "static/static.h"

static const char kinds[] = "EINSTRP"; /* enum js_kind, one letter each */

/* "K:text K:text ..." for |src|: each token's kind letter and text. */
static char *lex(const char *src)
{
	static char out[4096];
	struct js_lexer lx;
	struct js_token t;
	size_t o = 0;

	out[0] = '\0';
	js_lexer_init(&lx, src, strlen(src));
	while (js_next(&lx, &t) && o < sizeof(out) - 64)
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%c:%.*s", o ? " " : "",
				      kinds[t.kind], (int)t.len, t.p);
	return out;
}

static void test_basic(void **state)
{
	(void)state;
	assert_string_equal(lex("var x = 0x1F + 1.5e3 - .5n;"),
			    "I:var I:x P:= N:0x1F P:+ N:1.5e3 P:- N:.5n P:;");
	assert_string_equal(lex("a?.b ?? c === d >>>= 2 ... =>"),
			    "I:a P:?. I:b P:?? I:c P:=== I:d P:>>>= N:2 P:... P:=>");
	assert_string_equal(lex("x ?.5 : 1"), "I:x P:? N:.5 P:: N:1");
	assert_string_equal(lex("'it\\'s' \"a\\\"b\""), "S:'it\\'s' S:\"a\\\"b\"");
	assert_string_equal(lex("this.#priv $_ \xc3\xa9t\xc3\xa9"),
			    "I:this P:. I:#priv I:$_ I:\xc3\xa9t\xc3\xa9");
	assert_string_equal(lex(""), "");
	assert_string_equal(lex("#!/usr/bin/env node\nrun()"), "I:run P:( P:)");
}

static void test_comments(void **state)
{
	(void)state;
	assert_string_equal(lex("a // window.ethereum = 1\nb /* eval(x) */ c"), "I:a I:b I:c");
	assert_string_equal(lex("'// not a comment' \"/* nor */\""),
			    "S:'// not a comment' S:\"/* nor */\"");
	assert_string_equal(lex("a /* unterminated"), "I:a");
	assert_string_equal(lex("a //"), "I:a");
}

static void test_regex_or_division(void **state)
{
	(void)state;
	assert_string_equal(lex("a / b / c"), "I:a P:/ I:b P:/ I:c");
	assert_string_equal(lex("x = /ab+c/gi.test(s)"),
			    "I:x P:= R:/ab+c/gi P:. I:test P:( I:s P:)");
	assert_string_equal(lex("f(a) / 2"), "I:f P:( I:a P:) P:/ N:2");
	assert_string_equal(lex("arr[0] / n"), "I:arr P:[ N:0 P:] P:/ I:n");
	assert_string_equal(lex("return /x/"), "I:return R:/x/");
	assert_string_equal(lex("typeof /x/"), "I:typeof R:/x/");
	assert_string_equal(lex("if (/[/]\\//.test(s))"),
			    "I:if P:( R:/[/]\\// P:. I:test P:( I:s P:) P:)");
	assert_string_equal(lex("/mfa\\.[\\w-]{84}/g"), "R:/mfa\\.[\\w-]{84}/g");
	assert_string_equal(lex("a /= 2"), "I:a P:/= N:2");
	assert_string_equal(lex("i++ / 2"), "I:i P:++ P:/ N:2");
	assert_string_equal(lex("'s' / 2"), "S:'s' P:/ N:2");
	/* An unterminated regular expression is a "/" then tokens. */
	assert_string_equal(lex("= /ab\ncd"), "P:= P:/ I:ab I:cd");
}

static void test_templates(void **state)
{
	(void)state;
	assert_string_equal(lex("`plain`"), "T:`plain`");
	assert_string_equal(lex("`a${b}c`"), "T:`a${ I:b T:}c`");
	assert_string_equal(lex("`a${ {k: 1}.k }b`"), "T:`a${ P:{ I:k P:: N:1 P:} P:. I:k T:}b`");
	assert_string_equal(lex("`x${`y${z}`}w` / 2"), "T:`x${ T:`y${ I:z T:}` T:}w` P:/ N:2");
	assert_string_equal(lex("`${a}${b}`"), "T:`${ I:a T:}${ I:b T:}`");
	assert_string_equal(lex("`a${/re/.test(s)}`"), "T:`a${ R:/re/ P:. I:test P:( I:s P:) T:}`");
	assert_string_equal(lex("`never closed ${x"), "T:`never closed ${ I:x");
	assert_string_equal(lex("`never closed"), "T:`never closed");
	/* a "}" that closes nothing */
	assert_string_equal(lex("} }"), "P:} P:}");
}

static void test_lines(void **state)
{
	const char *src = "a\n/* 1\n2 */ b\n`x\ny` c\n'unterminated\nd";
	struct js_lexer lx;
	struct js_token t;
	unsigned want[] = {1, 3, 4, 5, 6, 7};
	size_t n = 0;
	(void)state;

	js_lexer_init(&lx, src, strlen(src));
	while (js_next(&lx, &t)) {
		assert_true(n < 6);
		assert_int_equal(t.line, want[n]);
		n++;
	}
	assert_int_equal(n, 6);
	assert_int_equal(t.kind, JS_END);
	assert_false(js_next(&lx, &t));
}

static void test_values(void **state)
{
	char buf[64];
	struct js_lexer lx;
	struct js_token t;
	bool esc;
	(void)state;

	const char *src = "'\\x65\\x76\\u0061\\u{6c}' \"a\\nb\" `t${x}u` 'cut-me-short'";
	js_lexer_init(&lx, src, strlen(src));
	assert_true(js_next(&lx, &t));
	assert_int_equal(js_string_value(&t, buf, sizeof(buf), &esc), 4);
	assert_string_equal(buf, "eval");
	assert_true(esc);
	assert_true(js_next(&lx, &t));
	js_string_value(&t, buf, sizeof(buf), &esc);
	assert_string_equal(buf, "a\nb");
	assert_false(esc);
	assert_true(js_next(&lx, &t));
	js_string_value(&t, buf, sizeof(buf), NULL);
	assert_string_equal(buf, "t");
	assert_true(js_next(&lx, &t) && js_next(&lx, &t));
	js_string_value(&t, buf, sizeof(buf), NULL);
	assert_string_equal(buf, "u");
	assert_true(js_next(&lx, &t));
	assert_int_equal(js_string_value(&t, buf, 4, NULL), 3);
	assert_string_equal(buf, "cut");
	/* bad escapes stay as they are */
	src = "'\\xZZ\\u12' '\\u{110000}'";
	js_lexer_init(&lx, src, strlen(src));
	assert_true(js_next(&lx, &t));
	js_string_value(&t, buf, sizeof(buf), &esc);
	assert_string_equal(buf, "xZZu12");
	assert_false(esc);
	assert_true(js_next(&lx, &t));
	js_string_value(&t, buf, sizeof(buf), &esc);
	assert_string_equal(buf, "u{110000}");
}

/* Any bytes: the lexer ends, every token is at least one byte, within
 * the input, in order. */
static void test_any_bytes(void **state)
{
	char src[512];
	unsigned seed = 7;
	(void)state;

	for (int round = 0; round < 2000; round++) {
		size_t len = (size_t)(round % 512);
		struct js_lexer lx;
		struct js_token t;
		const char *last = src;
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			src[i] = "`${}/'\"\\\n*ab1.x"[(seed >> 16) % 16];
			if (round % 3 == 0)
				src[i] = (char)(seed >> 16);
		}
		js_lexer_init(&lx, src, len);
		while (js_next(&lx, &t)) {
			assert_true(t.len >= 1);
			assert_true(t.p >= last && t.p + t.len <= src + len);
			last = t.p + t.len;
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_regex_or_division),
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_any_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
