"""Private files (evidence, built reports): outside any web root, served only by views that
check access. One storage, read lazily so that tests can point PRIVATE_MEDIA_ROOT elsewhere."""

from typing import cast

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import LazyObject


class _PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


# Typed as what it stands for: the lazy object forwards every attribute to the storage.
private_storage = cast(FileSystemStorage, _PrivateStorage())
