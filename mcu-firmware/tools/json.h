// A small JSON reader for the host tools and the C tests (the data dictionary, the golden
// vectors). It builds a tree; numbers are doubles, which hold every 32-bit integer.
#ifndef ESC_JSON_H
#define ESC_JSON_H

#include <stddef.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
    enum json_type type;
    double number;          // JSON_NUMBER, JSON_BOOL (0 or 1)
    char *string;           // JSON_STRING (NUL-terminated, UTF-8)
    size_t count;           // JSON_ARRAY, JSON_OBJECT
    struct json *items;     // the elements, or the members' values
    char **keys;            // JSON_OBJECT: the members' names
};

// Parses text; on error returns NULL and describes it in err.
struct json *json_parse(const char *text, char *err, size_t errlen);
struct json *json_parse_file(const char *path, char *err, size_t errlen);
void json_free(struct json *j);
// The member named key of an object (NULL if absent or j is not an object).
const struct json *json_get(const struct json *j, const char *key);
// Decodes a hex string ("0a7e") into out; returns the byte count or -1.
int json_hex_bytes(const char *hex, unsigned char *out, size_t max);

#endif
