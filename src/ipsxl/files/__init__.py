"""Files from outside: what a submitted file really is, whether it is safe to parse, reading it
within time and memory limits, and writing beside an agency's files without losing one."""
