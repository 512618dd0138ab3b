// The physics behind the simulated MCU's pins: carriages moved by step/dir pins (whose
// endstop pins read the carriage position), and heaters warming thermistors.
//
// Model file format, control commands and the thermal formulas: docs/sim-mcu.md.
#define _GNU_SOURCE
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "board.h"
#include "sim.h"

#define MAX_STEPPERS 16
#define MAX_HEATERS 8
#define MAX_ENDSTOPS 8
#define MAX_TERMS 4
#define ADC_MAX 4095

enum { EDGE_RISING = 1, EDGE_FALLING = 2 };

struct model_stepper {
    char name[32];
    int step_pin, dir_pin, endstop_pin;
    uint8_t edges, dir_positive_level, last_step_level;
    uint8_t endstop_at_max, endstop_triggered_level;
    double steps_per_mm, endstop_mm, initial_mm;
    int64_t steps;   // carriage position in steps (0 = 0 mm)
};

enum { FAULT_NONE, FAULT_OPEN, FAULT_SHORT, FAULT_DISCONNECTED, FAULT_STUCK_ON };
static const char *const fault_names[] = {
    "none", "open", "short", "disconnected", "stuck_on",
};

struct model_heater {
    char name[32];
    int heater_pin, sensor_channel;
    uint8_t active_level, fault;
    double power_w, heat_capacity, loss_w_per_k, ambient_c;
    double beta, r25_ohm, pullup_ohm;
    double temp_c, drive;   // drive: fraction of full power the pin asks for now
    uint64_t last_clock;
};

// An endstop on a carriage moved by several motors (CoreXY: X = (A + B) / 2): it reads a
// weighted sum of stepper positions.
struct model_endstop {
    char name[32];
    int pin, term_count;
    char term_names[MAX_TERMS][32];
    int term_stepper[MAX_TERMS];
    double term_weight[MAX_TERMS];
    double trigger_mm;
    uint8_t at_max, triggered_level;
};

static struct model_stepper steppers[MAX_STEPPERS];
static struct model_heater heaters[MAX_HEATERS];
static struct model_endstop endstops[MAX_ENDSTOPS];
static int stepper_count, heater_count, endstop_count;

// Which model object each digital pin belongs to, for a quick lookup on every edge.
enum { ROLE_NONE, ROLE_STEP, ROLE_DIR, ROLE_ENDSTOP, ROLE_HEATER, ROLE_CARRIAGE_ENDSTOP };
static uint8_t pin_role[CONFIG_SIM_GPIO_COUNT], pin_owner[CONFIG_SIM_GPIO_COUNT];


/****************************************************************
 * Physics
 ****************************************************************/

static void
heater_advance(struct model_heater *h, uint64_t clock)
{
    // First order: C dT/dt = P*drive - k (T - T_ambient), solved exactly per interval in
    // which the drive is constant.
    if (clock <= h->last_clock)
        return;
    double dt = (double)(clock - h->last_clock) / CONFIG_CLOCK_FREQ;
    h->last_clock = clock;
    double drive = h->drive;
    if (h->fault == FAULT_DISCONNECTED)
        drive = 0;
    else if (h->fault == FAULT_STUCK_ON)
        drive = 1;
    double power = h->power_w * drive;
    if (h->loss_w_per_k <= 0) {
        h->temp_c += power * dt / h->heat_capacity;
        return;
    }
    double t_eq = h->ambient_c + power / h->loss_w_per_k;
    h->temp_c = t_eq + (h->temp_c - t_eq) * exp(-dt * h->loss_w_per_k / h->heat_capacity);
}

static uint16_t
thermistor_adc(const struct model_heater *h)
{
    // Beta model R = R25 exp(beta (1/T - 1/298.15)) against a pull-up to the ADC reference.
    if (h->fault == FAULT_OPEN)
        return ADC_MAX;
    if (h->fault == FAULT_SHORT)
        return 0;
    double kelvin = h->temp_c + 273.15;
    if (kelvin < 1)
        kelvin = 1;
    double r = h->r25_ohm * exp(h->beta * (1.0 / kelvin - 1.0 / 298.15));
    double v = r / (r + h->pullup_ohm);
    return (uint16_t)lround(v * ADC_MAX);
}

void
model_output_changed(uint16_t pin, double level, uint64_t clock)
{
    if (pin >= CONFIG_SIM_GPIO_COUNT)
        return;
    switch (pin_role[pin]) {
    case ROLE_STEP: {
        struct model_stepper *s = &steppers[pin_owner[pin]];
        uint8_t now = level > 0.5, was = s->last_step_level;
        s->last_step_level = now;
        if (now == was || !(s->edges & (now ? EDGE_RISING : EDGE_FALLING)))
            return;
        int dir = sim_output_level(s->dir_pin);
        s->steps += (dir == s->dir_positive_level) ? 1 : -1;
        return;
    }
    case ROLE_HEATER: {
        struct model_heater *h = &heaters[pin_owner[pin]];
        heater_advance(h, clock);
        h->drive = h->active_level ? level : 1 - level;
        return;
    }
    default:
        return;
    }
}

static int
carriage_endstop_level(const struct model_endstop *e)
{
    double mm = 0, slack = 0;
    int i;
    for (i = 0; i < e->term_count; i++) {
        const struct model_stepper *s = &steppers[e->term_stepper[i]];
        mm += e->term_weight[i] * s->steps / s->steps_per_mm;
        slack += fabs(e->term_weight[i]) * 0.1 / s->steps_per_mm;
    }
    int triggered = e->at_max ? mm >= e->trigger_mm - slack : mm <= e->trigger_mm + slack;
    return triggered ? e->triggered_level : !e->triggered_level;
}

int
model_input_level(uint16_t pin, uint64_t clock UNUSED)
{
    if (pin < CONFIG_SIM_GPIO_COUNT && pin_role[pin] == ROLE_CARRIAGE_ENDSTOP)
        return carriage_endstop_level(&endstops[pin_owner[pin]]);
    if (pin >= CONFIG_SIM_GPIO_COUNT || pin_role[pin] != ROLE_ENDSTOP)
        return -1;
    const struct model_stepper *s = &steppers[pin_owner[pin]];
    double mm = s->steps / s->steps_per_mm;
    // A tenth of a step of tolerance, so an endstop exactly at a step position triggers.
    double slack = 0.1 / s->steps_per_mm;
    int triggered = s->endstop_at_max ? mm >= s->endstop_mm - slack
                                      : mm <= s->endstop_mm + slack;
    return triggered ? s->endstop_triggered_level : !s->endstop_triggered_level;
}

uint16_t
model_adc_value(uint16_t channel, uint64_t clock)
{
    int i;
    for (i = 0; i < heater_count; i++) {
        struct model_heater *h = &heaters[i];
        if (h->sensor_channel == channel) {
            heater_advance(h, clock);
            return thermistor_adc(h);
        }
    }
    return ADC_MAX;   // nothing connected: the pull-up reads full scale, like an open sensor
}


/****************************************************************
 * Control commands
 ****************************************************************/

static struct model_heater *
find_heater(const char *name)
{
    int i;
    for (i = 0; i < heater_count; i++)
        if (!strcmp(heaters[i].name, name))
            return &heaters[i];
    return NULL;
}

static struct model_stepper *
find_stepper(const char *name)
{
    int i;
    for (i = 0; i < stepper_count; i++)
        if (!strcmp(steppers[i].name, name))
            return &steppers[i];
    return NULL;
}

static void
report_state(uint64_t clock)
{
    char text[256];
    int i;
    for (i = 0; i < stepper_count; i++) {
        const struct model_stepper *s = &steppers[i];
        snprintf(text, sizeof(text), "stepper %.31s steps %lld position_mm %.4f", s->name,
                 (long long)s->steps, s->steps / s->steps_per_mm);
        trace_note(clock, text);
    }
    for (i = 0; i < heater_count; i++) {
        struct model_heater *h = &heaters[i];
        heater_advance(h, clock);
        snprintf(text, sizeof(text), "heater %.31s temperature_c %.3f drive %.4f fault %s adc %u",
                 h->name, h->temp_c, h->drive, fault_names[h->fault], thermistor_adc(h));
        trace_note(clock, text);
    }
}

int
model_control(const char *line, char *reply, size_t replylen)
{
    char verb[32], name[32], arg[32];
    int n = sscanf(line, "%31s %31s %31s", verb, name, arg);
    uint64_t clock = sim_now();
    if (n <= 0)
        return 0;
    if (!strcmp(verb, "report") && n == 1) {
        report_state(clock);
        trace_flush();
        return 0;
    }
    if (!strcmp(verb, "fault") && n == 3) {
        struct model_heater *h = find_heater(name);
        if (!h) {
            snprintf(reply, replylen, "no heater '%s'", name);
            return -1;
        }
        unsigned f;
        for (f = 0; f < sizeof(fault_names) / sizeof(fault_names[0]); f++) {
            if (!strcmp(arg, fault_names[f])) {
                heater_advance(h, clock);
                h->fault = f;
                return 0;
            }
        }
        snprintf(reply, replylen, "unknown fault '%s' (none, open, short, disconnected,"
                 " stuck_on)", arg);
        return -1;
    }
    if (!strcmp(verb, "temperature") && n == 3) {
        struct model_heater *h = find_heater(name);
        if (!h) {
            snprintf(reply, replylen, "no heater '%s'", name);
            return -1;
        }
        heater_advance(h, clock);
        h->temp_c = atof(arg);
        return 0;
    }
    if (!strcmp(verb, "position") && n == 3) {
        struct model_stepper *s = find_stepper(name);
        if (!s) {
            snprintf(reply, replylen, "no stepper '%s'", name);
            return -1;
        }
        s->steps = llround(atof(arg) * s->steps_per_mm);
        return 0;
    }
    snprintf(reply, replylen, "cannot understand '%s'", line);
    return -1;
}


/****************************************************************
 * Model file
 ****************************************************************/

static int
claim_pin(const char *value, uint8_t role, int owner, int want_analog, int *out,
          char *err, size_t errlen, const char *where)
{
    int pin = sim_pin_lookup(value);
    int analog = pin >= SIM_ANALOG_BASE;
    if (pin < 0 || analog != want_analog) {
        snprintf(err, errlen, "%s: '%s' is not a%s pin of the sim", where, value,
                 want_analog ? "n analog" : " gpio");
        return -1;
    }
    if (!analog) {
        if (pin_role[pin] != ROLE_NONE) {
            snprintf(err, errlen, "%s: pin %s is used twice", where, value);
            return -1;
        }
        pin_role[pin] = role;
        pin_owner[pin] = owner;
        *out = pin;
    } else {
        *out = pin - SIM_ANALOG_BASE;
    }
    return 0;
}

static int
parse_number(const char *value, double *out, char *err, size_t errlen, const char *where)
{
    char *end;
    double v = strtod(value, &end);
    if (end == value || *end) {
        snprintf(err, errlen, "%s: '%s' is not a number", where, value);
        return -1;
    }
    *out = v;
    return 0;
}

static int
parse_choice(const char *value, const char *a, const char *b, uint8_t *out,
             char *err, size_t errlen, const char *where)
{
    // a -> 1, b -> 0
    if (!strcmp(value, a)) {
        *out = 1;
        return 0;
    }
    if (!strcmp(value, b)) {
        *out = 0;
        return 0;
    }
    snprintf(err, errlen, "%s: must be '%s' or '%s', not '%s'", where, a, b, value);
    return -1;
}

static char *
trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = 0;
    return s;
}

static int
set_stepper_option(struct model_stepper *s, int index, const char *key, const char *value,
                   char *err, size_t errlen, const char *where)
{
    if (!strcmp(key, "step_pin"))
        return claim_pin(value, ROLE_STEP, index, 0, &s->step_pin, err, errlen, where);
    if (!strcmp(key, "dir_pin"))
        return claim_pin(value, ROLE_DIR, index, 0, &s->dir_pin, err, errlen, where);
    if (!strcmp(key, "endstop_pin"))
        return claim_pin(value, ROLE_ENDSTOP, index, 0, &s->endstop_pin, err, errlen, where);
    if (!strcmp(key, "steps_per_mm"))
        return parse_number(value, &s->steps_per_mm, err, errlen, where);
    if (!strcmp(key, "endstop_mm"))
        return parse_number(value, &s->endstop_mm, err, errlen, where);
    if (!strcmp(key, "position_mm"))
        return parse_number(value, &s->initial_mm, err, errlen, where);
    if (!strcmp(key, "endstop_side"))
        return parse_choice(value, "max", "min", &s->endstop_at_max, err, errlen, where);
    if (!strcmp(key, "endstop_triggered"))
        return parse_choice(value, "high", "low", &s->endstop_triggered_level, err, errlen,
                            where);
    if (!strcmp(key, "dir_positive"))
        return parse_choice(value, "high", "low", &s->dir_positive_level, err, errlen, where);
    if (!strcmp(key, "step_edges")) {
        if (!strcmp(value, "rising"))
            s->edges = EDGE_RISING;
        else if (!strcmp(value, "falling"))
            s->edges = EDGE_FALLING;
        else if (!strcmp(value, "both"))
            s->edges = EDGE_RISING | EDGE_FALLING;
        else {
            snprintf(err, errlen, "%s: step_edges must be rising, falling or both", where);
            return -1;
        }
        return 0;
    }
    if (!strcmp(key, "axis"))
        return 0;   // documentation for the reader of the file
    snprintf(err, errlen, "%s: unknown option '%s' in a stepper section", where, key);
    return -1;
}

static int
set_heater_option(struct model_heater *h, int index, const char *key, const char *value,
                  char *err, size_t errlen, const char *where)
{
    if (!strcmp(key, "heater_pin"))
        return claim_pin(value, ROLE_HEATER, index, 0, &h->heater_pin, err, errlen, where);
    if (!strcmp(key, "sensor_pin"))
        return claim_pin(value, ROLE_NONE, index, 1, &h->sensor_channel, err, errlen, where);
    if (!strcmp(key, "heater_active"))
        return parse_choice(value, "high", "low", &h->active_level, err, errlen, where);
    struct { const char *name; double *field; } numbers[] = {
        { "power_w", &h->power_w }, { "heat_capacity_j_per_k", &h->heat_capacity },
        { "loss_w_per_k", &h->loss_w_per_k }, { "ambient_c", &h->ambient_c },
        { "initial_c", &h->temp_c }, { "beta", &h->beta }, { "r25_ohm", &h->r25_ohm },
        { "pullup_ohm", &h->pullup_ohm },
    };
    unsigned i;
    for (i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
        if (!strcmp(key, numbers[i].name))
            return parse_number(value, numbers[i].field, err, errlen, where);
    snprintf(err, errlen, "%s: unknown option '%s' in a heater section", where, key);
    return -1;
}

// "0.5 a + 0.5 b", "a - b", "2*z": weighted stepper names (resolved when the file is read).
static int
parse_terms(struct model_endstop *e, const char *value, char *err, size_t errlen,
            const char *where)
{
    const char *p = value;
    e->term_count = 0;
    while (*p) {
        while (isspace((unsigned char)*p))
            p++;
        double sign = 1;
        if (*p == '+' || *p == '-') {
            sign = *p == '-' ? -1 : 1;
            p++;
            while (isspace((unsigned char)*p))
                p++;
        } else if (e->term_count) {
            snprintf(err, errlen, "%s: expected + or - between terms", where);
            return -1;
        }
        double weight = 1;
        char *end;
        double w = strtod(p, &end);
        if (end != p) {
            weight = w;
            p = end;
            while (isspace((unsigned char)*p))
                p++;
            if (*p == '*')
                p++;
            while (isspace((unsigned char)*p))
                p++;
        }
        char name[32];
        int n = 0;
        while ((isalnum((unsigned char)*p) || *p == '_') && n < 31)
            name[n++] = *p++;
        name[n] = 0;
        if (!n || e->term_count >= MAX_TERMS) {
            snprintf(err, errlen, "%s: position must be up to %d weighted stepper names, like"
                     " '0.5 a + 0.5 b'", where, MAX_TERMS);
            return -1;
        }
        snprintf(e->term_names[e->term_count], 32, "%s", name);
        e->term_weight[e->term_count++] = sign * weight;
        while (isspace((unsigned char)*p))
            p++;
    }
    if (!e->term_count) {
        snprintf(err, errlen, "%s: position needs at least one stepper", where);
        return -1;
    }
    return 0;
}

static int
set_endstop_option(struct model_endstop *e, int index, const char *key, const char *value,
                   char *err, size_t errlen, const char *where)
{
    if (!strcmp(key, "pin"))
        return claim_pin(value, ROLE_CARRIAGE_ENDSTOP, index, 0, &e->pin, err, errlen, where);
    if (!strcmp(key, "position"))
        return parse_terms(e, value, err, errlen, where);
    if (!strcmp(key, "trigger_mm"))
        return parse_number(value, &e->trigger_mm, err, errlen, where);
    if (!strcmp(key, "side"))
        return parse_choice(value, "max", "min", &e->at_max, err, errlen, where);
    if (!strcmp(key, "triggered"))
        return parse_choice(value, "high", "low", &e->triggered_level, err, errlen, where);
    snprintf(err, errlen, "%s: unknown option '%s' in an endstop section", where, key);
    return -1;
}

static int
check_section(int kind, int index, char *err, size_t errlen)
{
    if (kind == 1) {
        struct model_stepper *s = &steppers[index];
        if (s->step_pin < 0 || s->dir_pin < 0 || !(s->steps_per_mm > 0)) {
            snprintf(err, errlen, "[stepper %s] needs step_pin, dir_pin and steps_per_mm > 0",
                     s->name);
            return -1;
        }
        s->steps = llround(s->initial_mm * s->steps_per_mm);
    } else if (kind == 3) {
        struct model_endstop *e = &endstops[index];
        if (e->pin < 0 || !e->term_count) {
            snprintf(err, errlen, "[endstop %s] needs pin and position", e->name);
            return -1;
        }
    } else if (kind == 2) {
        struct model_heater *h = &heaters[index];
        if (h->heater_pin < 0 || h->sensor_channel < 0 || !(h->heat_capacity > 0)
            || !(h->pullup_ohm > 0) || !(h->r25_ohm > 0)) {
            snprintf(err, errlen, "[heater %s] needs heater_pin, sensor_pin and positive"
                     " heat_capacity_j_per_k, r25_ohm and pullup_ohm", h->name);
            return -1;
        }
    }
    return 0;
}

int
model_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "model %s: cannot open", path);
        return -1;
    }
    char line[512], where[600];
    int lineno = 0, kind = 0, index = -1, ret = 0;
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        snprintf(where, sizeof(where), "%s:%d", path, lineno);
        char *hash = strpbrk(line, "#;");
        if (hash)
            *hash = 0;
        char *s = trim(line);
        if (!*s)
            continue;
        if (*s == '[') {
            if (kind && (ret = check_section(kind, index, err, errlen)))
                break;
            char type[32], name[32];
            if (sscanf(s, "[%31s %31[^]]]", type, name) != 2) {
                snprintf(err, errlen, "%s: a section is [stepper NAME], [endstop NAME] or"
                         " [heater NAME]", where);
                ret = -1;
                break;
            }
            if (!strcmp(type, "stepper") && stepper_count < MAX_STEPPERS) {
                kind = 1;
                index = stepper_count++;
                struct model_stepper *st = &steppers[index];
                snprintf(st->name, sizeof(st->name), "%s", name);
                st->step_pin = st->dir_pin = st->endstop_pin = -1;
                st->edges = EDGE_RISING;
                st->dir_positive_level = 1;
                st->endstop_triggered_level = 1;
            } else if (!strcmp(type, "endstop") && endstop_count < MAX_ENDSTOPS) {
                kind = 3;
                index = endstop_count++;
                struct model_endstop *en = &endstops[index];
                snprintf(en->name, sizeof(en->name), "%s", name);
                en->pin = -1;
                en->triggered_level = 1;
            } else if (!strcmp(type, "heater") && heater_count < MAX_HEATERS) {
                kind = 2;
                index = heater_count++;
                struct model_heater *h = &heaters[index];
                snprintf(h->name, sizeof(h->name), "%s", name);
                h->heater_pin = h->sensor_channel = -1;
                h->active_level = 1;
                h->ambient_c = 25;
                h->temp_c = NAN;
                h->beta = 3950;
                h->r25_ohm = 100000;
                h->pullup_ohm = 4700;
            } else {
                snprintf(err, errlen, "%s: unknown section [%s] (or too many)", where, type);
                ret = -1;
                break;
            }
            continue;
        }
        char *sep = strpbrk(s, ":=");
        if (!sep || !kind) {
            snprintf(err, errlen, "%s: expected 'option: value' inside a section", where);
            ret = -1;
            break;
        }
        *sep = 0;
        char *key = trim(s), *value = trim(sep + 1);
        ret = kind == 1
            ? set_stepper_option(&steppers[index], index, key, value, err, errlen, where)
            : kind == 3
            ? set_endstop_option(&endstops[index], index, key, value, err, errlen, where)
            : set_heater_option(&heaters[index], index, key, value, err, errlen, where);
        if (ret)
            break;
    }
    fclose(f);
    if (!ret && kind)
        ret = check_section(kind, index, err, errlen);
    // Carriage endstops name steppers that may come later in the file: resolve them now.
    int j, k;
    for (j = 0; !ret && j < endstop_count; j++) {
        struct model_endstop *e = &endstops[j];
        for (k = 0; k < e->term_count; k++) {
            struct model_stepper *st = find_stepper(e->term_names[k]);
            if (!st) {
                snprintf(err, errlen, "model %s: [endstop %s] names no stepper '%s'", path,
                         e->name, e->term_names[k]);
                ret = -1;
                break;
            }
            e->term_stepper[k] = st - steppers;
        }
    }
    int i;
    for (i = 0; i < heater_count; i++)
        if (isnan(heaters[i].temp_c))
            heaters[i].temp_c = heaters[i].ambient_c;
    return ret;
}
