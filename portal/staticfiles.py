"""Static files: hashed and compressed by default, never a 500 for a missing one (issue 16 §1).

``collectstatic`` (run by ``make run`` and by the docker web service before serving) writes each file
under a content-hashed name with a ``.gz`` copy; WhiteNoise serves those compressed with
``Cache-Control: max-age=315360000, public, immutable``.

Django's manifest storage raises ``ValueError`` for a name that is not in the manifest, and with
``manifest_strict`` off it still raises when the file is absent from STATIC_ROOT, so one stale
template reference, or a server started without ``collectstatic``, would turn every page into a 500.
This storage then falls back to the unhashed URL (short cache, served from STATIC_ROOT or, without a
manifest, by WhiteNoise's finders) and logs it once at DEBUG (WhiteNoise asks for many such names at
startup while it looks for hashed files, so a warning would be noise). The test suite renders the public pages with the
manifest strict (tests/core/test_static_files.py), so a missing file fails CI instead.
"""

import logging

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)
_warned: set[str] = set()


class PortalStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:
            if self.manifest_strict:
                raise
            if name not in _warned:
                _warned.add(name)
                logger.debug("静态文件清单中没有 %s（未运行 collectstatic？）：改用未加哈希的地址", name)
            return name
