# Shared by scripts/run and scripts/test (sourced, not run): installs the Debian packages the
# build needs when some are missing, then configures and builds. Idempotent: with everything in
# place it only rebuilds what changed.

IPCPG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
IPCPG_PRESET="${IPCPG_PRESET:-ci}"
IPCPG_BUILD_DIR="$IPCPG_ROOT/build/$IPCPG_PRESET"

# What a fresh Debian 12 needs to build, test and package the project.
IPCPG_PACKAGES=(
    g++ cmake ninja-build pkg-config
    qt6-base-dev libqt6opengl6-dev qt6-charts-dev qt6-svg-dev qt6-qpa-plugins libgl-dev
    nlohmann-json3-dev libcli11-dev
    libzmq3-dev # the zeromq mechanism (CMake option IPCPG_WITH_ZEROMQ)
    libdbus-1-dev dbus-daemon # dbus (IPCPG_WITH_DBUS): the library and the private bus's daemon
    libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc # grpc (IPCPG_WITH_GRPC)
    fonts-dejavu-core
    dpkg-dev file desktop-file-utils appstream groff-base
    clang-format clang-tidy
)

ipcpg_log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ipcpg_missing_packages() {
    local missing=() package
    for package in "${IPCPG_PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$package")
        fi
    done
    echo "${missing[@]}"
}

ipcpg_install_packages() {
    local missing
    missing="$(ipcpg_missing_packages)"
    if [ -z "$missing" ]; then
        return 0
    fi
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            echo "These Debian packages are missing and this user cannot install them (not root, no sudo):" >&2
            echo "  $missing" >&2
            return 1
        fi
    fi
    ipcpg_log "Installing: $missing"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    # shellcheck disable=SC2086 # the list is meant to split into words
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
}

# ipcpg_build [PRESET]: configures (once) and builds a preset, $IPCPG_PRESET by default.
ipcpg_build() {
    local preset="${1:-$IPCPG_PRESET}"
    cd "$IPCPG_ROOT"
    if [ ! -f "$IPCPG_ROOT/build/$preset/build.ninja" ]; then
        ipcpg_log "Configuring ($preset)"
        cmake --preset "$preset"
    fi
    ipcpg_log "Building ($preset)"
    cmake --build --preset "$preset"
}
