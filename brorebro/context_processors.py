from django.conf import settings


def site(request):
    return {
        "COUNTY_CODE": settings.COUNTY_CODE,
        "TILE_URL": settings.TILE_URL,
        "TILE_ATTRIBUTION": settings.TILE_ATTRIBUTION,
        "FORCE_IMAGE_PATH": settings.LEAFLET_CONFIG["FORCE_IMAGE_PATH"],
    }
