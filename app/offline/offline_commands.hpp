// The offline commands of `ordo`: they work on a data directory that no node holds.
//
//   ordo replay --data DIR STREAM [--to-version N | --at RFC3339] [--events] [--no-snapshots]
//   ordo replay --data DIR --projection NAME
//   ordo verify --data DIR [--decode-events] [--max-problems N]
//   ordo export --data DIR [--from-position P] [--stream S]
//   ordo import --data DIR FILE|-
//   ordo repair --data DIR --accept-loss
//   ordo keys rotate --data DIR --master-key-file NEW [--config FILE]
//
// Each takes argv as main() would after the program name: argv[0] is the command's name.
// Exit codes: 0 success; 1 the work failed or, for verify, problems were found; 2 refused
// (bad flags, a missing directory, one a running node holds, an unknown stream or projection,
// an import into a non-empty journal), with one line on stderr naming the problem.
#pragma once

namespace ordo::app::offline {

int run_replay(int argc, char** argv);
int run_verify(int argc, char** argv);
int run_export(int argc, char** argv);
int run_import(int argc, char** argv);
int run_repair(int argc, char** argv);
int run_keys(int argc, char** argv);

}  // namespace ordo::app::offline
