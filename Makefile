# SPDX-License-Identifier: GPL-2.0
#
# Host-side targets of tcpstates. The module's objects are listed in Kbuild,
# which kbuild reads in preference to this file.

KERNELRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build
KERNELS ?= 5.10 6.1 6.12 6.12-rt trixie sid sid-rt
KERNEL ?= 6.12
VMTEST := selftests/qemu/vmtest.sh
VERSION := $(shell cat VERSION)
DKMS_SRC := /usr/src/tcpstates-$(VERSION)
# What DKMS and the Debian package ship: the module's sources, no tests.
DIST_FILES := Kbuild Makefile VERSION module include

export CACHE DEBUG_CACHE QEMU_ACCEL GUEST_TIMEOUT GUEST_MEM LATENCY_READS \
	LATENCY_SOCKETS LATENCY_SPREAD LATENCY_BOUND_US SUITE TINY_SUITE
export BENCH_SIZES BENCH_MAX BENCH_REPS BENCH_TW_SECS BENCH_TW_MAX BENCH_THASH BENCH_OUT \
	BENCH_PROFILE BENCH_QUICK \
	BENCH_VS

.PHONY: all module clean check lint demo vm help install uninstall \
	dkms-install dkms-remove deb check-dkms check-debug debug-kernel bench

all: module

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	rm -rf module/*.o module/.*.cmd .*.cmd *.o *.ko *.mod *.mod.c \
		modules.order Module.symvers .tmp_versions

# Distribution kernels do not ship their signing key: skip signing (use
# DKMS, which signs with its own key, for Secure Boot).
install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates \
		CONFIG_MODULE_SIG_ALL= modules_install
	depmod -a $(KERNELRELEASE)

uninstall:
	rm -f /lib/modules/$(KERNELRELEASE)/updates/tcpstates.ko*
	depmod -a $(KERNELRELEASE)

dkms-install:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	cp -r $(DIST_FILES) $(DKMS_SRC)/
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf > $(DKMS_SRC)/dkms.conf
	dkms add -m tcpstates -v $(VERSION)
	dkms build -m tcpstates -v $(VERSION) -k $(KERNELRELEASE)
	dkms install -m tcpstates -v $(VERSION) -k $(KERNELRELEASE)

dkms-remove:
	dkms remove -m tcpstates -v $(VERSION) --all
	rm -rf $(DKMS_SRC)

deb:
	selftests/qemu/mkdeb.sh

check-dkms:
	selftests/qemu/check-dkms.sh $(KERNELS)

check:
	$(VMTEST) check $(KERNELS)

check-debug:
	$(VMTEST) check-debug

debug-kernel:
	$(VMTEST) debug-kernel

lint:
	$(VMTEST) lint $(KERNELS)

demo:
	$(VMTEST) demo $(KERNEL)

vm:
	$(VMTEST) shell $(KERNEL)

bench:
	selftests/qemu/bench.sh

help:
	@echo 'tcpstates: count TCP sockets by state, per network namespace'
	@echo
	@echo 'Build:'
	@echo '  make [KDIR=...]      build tcpstates.ko (KDIR defaults to'
	@echo '                       /lib/modules/$$(uname -r)/build)'
	@echo '  make clean           remove build products'
	@echo
	@echo 'Install (root):'
	@echo '  make install         modules_install into updates/ and depmod'
	@echo '  make uninstall       remove it again'
	@echo '  make dkms-install    copy the sources to $(DKMS_SRC), then dkms'
	@echo '                       add, build and install for KERNELRELEASE'
	@echo '  make dkms-remove     dkms remove --all and delete $(DKMS_SRC)'
	@echo '  make deb             build tcpstates-dkms_$(VERSION)_all.deb'
	@echo
	@echo 'Test in QEMU guests booting Debian kernels (fetched into .cache/):'
	@echo '  make check           build with W=1 and sparse and run the kselftest'
	@echo '                       suite on every kernel of KERNELS="$(KERNELS)",'
	@echo '                       then TINY_SUITE in a guest with 16-bucket'
	@echo '                       tables; a kernel of another Debian release is'
	@echo '                       built in a chroot of that release (mmdebstrap)'
	@echo '  make lint            checkpatch --strict and sparse (C=2) builds'
	@echo '  make check-debug     build a debug kernel (KASAN, lockdep, PROVE_RCU,'
	@echo '                       kmemleak, UBSAN, KFENCE, latency tracers) from'
	@echo '                       linux-source-6.12, run the suite on it, then'
	@echo '                       kmemleak and the longest preempt/BH-off section'
	@echo '                       of a read (cold: about 12 min to build)'
	@echo '  make debug-kernel    only build (or find) that kernel; print its'
	@echo '                       directory'
	@echo '  make check-dkms      (root) DKMS and .deb install for each kernel'
	@echo '                       (other releases: in their chroots), then the'
	@echo '                       DKMS-built module in each guest'
	@echo '  make demo            boot KERNEL=$(KERNEL), open connections, show'
	@echo '                       /proc/tcpstates'
	@echo '  make vm              boot KERNEL=$(KERNEL) with the module loaded and'
	@echo '                       give a shell (Ctrl-A X quits)'
	@echo '  make bench           boot the 6.12 guest, make 1k..300k sockets'
	@echo '                       (BENCH_MAX=1000000: also 1M) and time'
	@echo '                       cat /proc/tcpstates against ss, netstat,'
	@echo '                       /proc/net/tcp and sock_diag; table in'
	@echo '                       bench/results.md (BENCH_SIZES, BENCH_REPS);'
	@echo '                       BENCH_PROFILE=1: perf samples of the reads by'
	@echo '                       function and module line, bench/profile.md;'
	@echo '                       BENCH_QUICK=1: only the module, sock_diag and'
	@echo '                       sockstat (to compare builds of the module);'
	@echo '                       BENCH_VS=DIR: also the module of DIR, both reloaded'
	@echo '                       in turn in one guest, bench/ab.md'
	@echo
	@echo 'Variables: KERNELS, KERNEL (5.10 6.1 6.1-rt 6.12 6.12-rt trixie sid'
	@echo '  sid-rt), QEMU_ACCEL=kvm, GUEST_TIMEOUT (s, default 900; debug 3600,'
	@echo '  its latency guest 5 ms a socket when longer),'
	@echo '  GUEST_MEM (MiB, default 2048; debug 4096), SUITE (programs to run,'
	@echo '  default all), TINY_SUITE (those of the 16-bucket guest: states_test'
	@echo '  churn_test debugfs_test), CACHE, CHROOT_CACHE (default'
	@echo '  /var/cache/tcpstates/chroots if writable), CHROOT_MAX_AGE (days, 30),'
	@echo '  DEBUG_CACHE (default /var/cache/tcpstates/debug if writable),'
	@echo '  LATENCY_READS (reads per latency load, default 10; 0: none),'
	@echo '  LATENCY_SOCKETS (sockets per latency load, default 100000),'
	@echo '  LATENCY_SPREAD (sockets of the load over many ports, default'
	@echo '  LATENCY_SOCKETS),'
	@echo '  LATENCY_BOUND_US (longest BH/preempt-off section of a read, 10000)'
