# Builds the sqlite3 shell from the amalgamation, with the options of the
# upstream CLI that the corpus workload uses. Copied next to sqlite3.c by
# bench/corpus/sqlite.sh.
CC = cc
OPT = -O2
DEFS = -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_MATH_FUNCTIONS -DSQLITE_ENABLE_RTREE \
       -DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_ENABLE_EXPLAIN_COMMENTS
LIBS =

sqlite3: sqlite3.o shell.o
	$(CC) sqlite3.o shell.o -o $@ -lm -ldl -lpthread $(LIBS)

%.o: %.c sqlite3.h
	$(CC) $(OPT) $(DEFS) -c $< -o $@
