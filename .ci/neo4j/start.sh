#!/usr/bin/env bash
# Start Neo4j 5.26 Community (embedded DBMS from Maven Central, see README.md)
# as a Bolt server on 127.0.0.1:<port>, user neo4j / <password>.
#
#   usage: start.sh <workdir> <port> <password>
#
# <workdir>/neo4j.log  launcher stdout/stderr     <workdir>/neo4j.pid  java PID
# <workdir>/home/      DBMS home (data/, logs/debug.log) - kept between runs
# <workdir>/build/     compiled launcher + cached classpath
#
# Env: MAVEN_REPO_LOCAL (default: Maven's own, ~/.m2/repository),
#      NEO4J_HEAP (default 1g), NEO4J_PAGECACHE_MB (default 256),
#      NEO4J_START_TIMEOUT seconds (default 180),
#      JAVA_HOME (default: java on PATH).
set -euo pipefail

if [[ $# -ne 3 ]]; then
    echo "usage: $0 <workdir> <port> <password>" >&2
    exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
port=$2
password=$3
if ! [[ $port =~ ^[1-9][0-9]*$ ]] || ((port < 1 || port > 65535)); then
    echo "start.sh: bad port: $port" >&2
    exit 2
fi
if [[ -z $password ]]; then
    echo "start.sh: empty password" >&2
    exit 2
fi

mkdir -p "$1"
workdir=$(cd "$1" && pwd)
log=$workdir/neo4j.log
pidfile=$workdir/neo4j.pid
build=$workdir/build
timeout_s=${NEO4J_START_TIMEOUT:-180}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
t0=$SECONDS

if [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "start.sh: already running (pid $(cat "$pidfile")); run stop.sh $workdir first" >&2
    exit 1
fi

# --- build (skipped when pom + sources are unchanged and every jar is still there)
key=$(cd "$here" && find pom.xml src -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
build_is_cached() {
    [[ -f $build/key && $(cat "$build/key") == "$key" && -f $build/classpath.txt ]] || return 1
    local jar
    while IFS= read -r jar; do
        [[ -f $jar ]] || return 1
    done < <(tr ':' '\n' <"$build/classpath.txt")
}
if build_is_cached; then
    echo "start.sh: using cached build in $build"
else
    echo "start.sh: building launcher with Maven (downloads ~150 MB into the Maven repo the first time)"
    rm -rf "$build"
    mkdir -p "$build"
    mvn_args=(-q -B -Dstyle.color=never -f "$here/pom.xml"
        "-Dbuild.dir=$build" "-Dmdep.outputFile=$build/classpath.txt")
    if [[ -n ${MAVEN_REPO_LOCAL:-} ]]; then
        mvn_args+=("-Dmaven.repo.local=$MAVEN_REPO_LOCAL")
    fi
    if ! mvn "${mvn_args[@]}" compile dependency:build-classpath >"$workdir/build.log" 2>&1; then
        echo "start.sh: maven build failed; last 50 lines of $workdir/build.log:" >&2
        tail -n 50 "$workdir/build.log" >&2
        exit 1
    fi
    echo "$key" >"$build/key"
fi

# --- run
# Flags follow the ones Neo4j's own server launcher uses; without the
# --add-opens the page cache and tx logs fall back to slower code paths.
jvm=(
    -Xms256m "-Xmx${NEO4J_HEAP:-1g}"
    -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow -XX:+ExitOnOutOfMemoryError
    -Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true
    --add-opens=java.base/java.nio=ALL-UNNAMED
    --add-opens=java.base/java.io=ALL-UNNAMED
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
    -Dlog4j2.disable.jmx=true
    -cp "$build/classes:$(cat "$build/classpath.txt")"
)
: >"$log"
NEO4J_PASSWORD=$password "$java" "${jvm[@]}" kb.Neo4jServer "$workdir/home" "$port" \
    >>"$log" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$pidfile"

fail() {
    echo "start.sh: $1; last 50 lines of $log:" >&2
    tail -n 50 "$log" >&2
    bash "$here/stop.sh" "$workdir" >/dev/null 2>&1 || true
    exit 1
}

# A raw Bolt handshake: magic, then proposals 5.0-5.4 and 4.4; any non-zero
# reply means a Bolt server is there.
bolt_answers() {
    local reply
    # shellcheck disable=SC2016  # $1 is expanded by the inner bash
    reply=$(timeout 5 bash -c '
        exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf "\x60\x60\xb0\x17\x00\x04\x04\x05\x00\x00\x04\x04\x00\x00\x00\x00\x00\x00\x00\x00" >&3
        head -c 4 <&3 | od -An -tx1' _ "$port" 2>/dev/null) || return 1
    reply=${reply//[[:space:]]/}
    [[ ${#reply} -eq 8 && $reply != 00000000 ]]
}

deadline=$((SECONDS + timeout_s))
# The launcher prints "ready" only after the password is set, so waiting for
# the port alone could let a client in while `neo4j` still has its default one.
until grep -q "^ready bolt://127.0.0.1:$port\$" "$log"; do
    kill -0 "$pid" 2>/dev/null || fail "neo4j exited during startup"
    ((SECONDS < deadline)) || fail "neo4j not ready after ${timeout_s}s"
    sleep 0.5
done
bolt_answers || fail "port $port does not answer Bolt"
echo "start.sh: neo4j ready on bolt://127.0.0.1:$port (pid $pid, $((SECONDS - t0))s); log: $log"
