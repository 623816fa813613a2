"""Reading evidence photos with Pillow: Exif capture time and GPS, and a perceptual fingerprint.

The only package that imports Pillow. Import it inside the function that needs it (the resolve
path or the photo function), never at module level of anything on the API's cold path.
"""

from chalicelib.imaging.inspect import inspect_photo

__all__ = ["inspect_photo"]
