# Wrapper targets for make(1) users; works with GNU make and bmake alike.
# The build itself is CMake's: see README.md.

BUILD?=		build
PREFIX?=	/usr/local

all:
	cmake -S . -B ${BUILD} -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build ${BUILD}

test: all
	ctest --test-dir ${BUILD} --output-on-failure

install: all
	cmake --install ${BUILD} --prefix ${PREFIX}

clean:
	rm -rf ${BUILD}

.PHONY: all test install clean
