# SPDX-License-Identifier: GPL-2.0
#
# Host-side targets of tcpstates. The module's objects are listed in Kbuild,
# which kbuild reads in preference to this file.

KERNELRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build
KERNELS ?= 6.1 6.12 6.12-rt
KERNEL ?= 6.12
VMTEST := selftests/qemu/vmtest.sh

export CACHE QEMU_ACCEL GUEST_TIMEOUT GUEST_MEM

.PHONY: all module clean check lint demo vm help

all: module

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	rm -rf module/*.o module/.*.cmd .*.cmd *.o *.ko *.mod *.mod.c \
		modules.order Module.symvers .tmp_versions

check:
	$(VMTEST) check $(KERNELS)

lint:
	$(VMTEST) lint $(KERNELS)

demo:
	$(VMTEST) demo $(KERNEL)

vm:
	$(VMTEST) shell $(KERNEL)

help:
	@echo 'tcpstates: count TCP sockets by state, per network namespace'
	@echo
	@echo 'Build:'
	@echo '  make [KDIR=...]      build tcpstates.ko (KDIR defaults to'
	@echo '                       /lib/modules/$$(uname -r)/build)'
	@echo '  make clean           remove build products'
	@echo
	@echo 'Test in QEMU guests booting Debian kernels (fetched into .cache/):'
	@echo '  make check           build with W=1 and run the kselftest suite on'
	@echo '                       every kernel of KERNELS="$(KERNELS)"'
	@echo '  make lint            checkpatch --strict and sparse (C=2) builds'
	@echo '  make demo            boot KERNEL=$(KERNEL), open connections, show'
	@echo '                       /proc/tcpstates'
	@echo '  make vm              boot KERNEL=$(KERNEL) with the module loaded and'
	@echo '                       give a shell (Ctrl-A X quits)'
	@echo
	@echo 'Variables: KERNELS, KERNEL (6.1 6.1-rt 6.12 6.12-rt), QEMU_ACCEL=kvm,'
	@echo '  GUEST_TIMEOUT (s, default 900), GUEST_MEM (MiB, default 2048), CACHE'
