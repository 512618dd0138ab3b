# shellcheck shell=bash
# Sourced by ./escapement, ./check and .ci/run: finds a JDK 25 (or newer) and exports
# JAVA_HOME and PATH for it. Order: $JAVA_HOME, the Temurin JDKs under /usr/lib/jvm, any other
# JDK there, then the java on PATH.

escapement_jdk_major() {
  # Prints the feature version of the JDK at $1 (e.g. 25), or nothing.
  local home=$1 v=
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  if [ -r "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
  fi
  echo "$v"
}

escapement_find_jdk() {
  local want=25 candidates=() seen=() home major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  local jvm=${ESCAPEMENT_JVM_ROOT:-/usr/lib/jvm}  # where distributions install JDKs
  for home in "$jvm"/temurin-2[5-9]* "$jvm"/temurin-[3-9][0-9]* "$jvm"/*; do
    [ -d "$home" ] && candidates+=("$home")
  done
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  local tried=" "
  for home in "${candidates[@]}"; do
    case $tried in *" $home "*) continue ;; esac
    tried+="$home "
    major=$(escapement_jdk_major "$home")
    seen+=("$home${major:+ (JDK $major)}")
    if [ -n "$major" ] && [ "$major" -ge "$want" ]; then
      export JAVA_HOME=$home
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  {
    echo "escapement: no JDK $want or newer found."
    echo "  Looked at: ${seen[*]:-nothing (JAVA_HOME unset, /usr/lib/jvm empty, no java on PATH)}"
    echo "  Install a JDK $want (Temurin $want from https://adoptium.net, or your distribution's"
    echo "  openjdk-$want-jdk package), then run again or point JAVA_HOME at it."
  } >&2
  return 1
}
