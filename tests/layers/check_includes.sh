#!/usr/bin/env bash
# Fails, naming file:line, when a source folder includes a folder of a higher layer.
#
# The rule: the layers are, from the bottom,
#   domain <- config <- persistence <- readmodel <- actors <- cluster <- http <- app
# and a file may include "F/..." only for F its own folder or a folder below it. config/ sits
# just above domain/: every layer may read the settings, domain/ may not. The same order is
# declared for the libraries in the top CMakeLists.txt (ordo_layers), which refuses to configure
# when one links a library of its own layer or above.
#
# Usage: check_includes.sh SOURCE_DIR
set -u
root=${1:?usage: check_includes.sh SOURCE_DIR}
layers=(domain config persistence readmodel actors cluster http app)

rank_of() {
  local i
  for i in "${!layers[@]}"; do
    [[ ${layers[$i]} == "$1" ]] && { echo "$i"; return; }
  done
  echo -1
}

bad=0
checked=0
cd "$root" || exit 2
for folder in "${layers[@]}"; do
  [[ -d $folder ]] || continue
  own=$(rank_of "$folder")
  while IFS=: read -r file line text; do
    included=$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([a-z_]+)\/.*/\1/' <<<"$text")
    target=$(rank_of "$included")
    ((checked++))
    if ((target > own)); then
      echo "$file:$line: $folder/ (layer $own) includes $included/ (layer $target): $text"
      bad=1
    fi
  done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[a-z_]+/' "$folder" \
             --include='*.hpp' --include='*.cpp' --include='*.h')
done

if ((checked == 0)); then
  echo "no includes found under $root: wrong directory?"
  exit 2
fi
if ((bad)); then
  echo "layers: ${layers[*]} (each includes only its own folder and those before it)"
  exit 1
fi
echo "layers: $checked includes checked, all downwards"
