"""The REST service and the web page behind ``veracity serve`` (see ``docs/service.md``)."""
