#!/usr/bin/env python3
"""yaml_to_json.py IN.yaml OUT.json: docs/openapi.yaml as the JSON that /openapi.json serves.

The YAML file is the one source; the build converts it so the node can serve JSON without a YAML
parser. Needs PyYAML (Debian's python3-yaml, or the machine's Python with PyYAML).
"""
import json
import sys

import yaml


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as source:
        document = yaml.safe_load(source)
    text = json.dumps(document, indent=1, ensure_ascii=False, sort_keys=False) + "\n"
    with open(sys.argv[2], "w", encoding="utf-8") as target:
        target.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
