/* Logging to stderr.  stdout is reserved for reports.
 *
 * The level is tested before the arguments are evaluated, so a disabled
 * log_debug() costs one comparison. */
#ifndef SNARE_LOG_H
#define SNARE_LOG_H

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

extern enum log_level log_threshold;

void log_emit(enum log_level level, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_at(lvl, errnum, ...)                                                                   \
	do {                                                                                       \
		if ((lvl) <= log_threshold)                                                        \
			log_emit((lvl), (errnum), __VA_ARGS__);                                    \
	} while (0)

#define log_err(...) log_at(LOG_ERR, 0, __VA_ARGS__)
#define log_warn(...) log_at(LOG_WARN, 0, __VA_ARGS__)
#define log_info(...) log_at(LOG_INFO, 0, __VA_ARGS__)
#define log_debug(...) log_at(LOG_DEBUG, 0, __VA_ARGS__)
/* The plog_ forms append ": strerror(errno)" and leave errno unchanged. */
#define plog_err(...) log_at(LOG_ERR, errno, __VA_ARGS__)
#define plog_warn(...) log_at(LOG_WARN, errno, __VA_ARGS__)
#define plog_debug(...) log_at(LOG_DEBUG, errno, __VA_ARGS__)

#endif
