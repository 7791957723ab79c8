"""The Excel add-in ``ipsxl.xlam``: building it from ``macros/`` (``build``), installing it
where Excel loads add-ins (``install``), and telling whether a PC is ready for it (``status``)."""

from ipsxl.addin.build import AddinError, build_addin
from ipsxl.addin.install import install_addin

__all__ = ["AddinError", "build_addin", "install_addin"]
