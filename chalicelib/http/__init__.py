"""The HTTP edge: parsing a request, rendering answers and formats, refusals, CORS, the console."""
