"""greeting: the smallest useful module, as the README's walkthrough writes it."""


class Service:
    api = {
        "say_hello": {"type": "external", "format": "json"},
    }

    def say_hello(self, data, ctx):
        name = data.get("name", "world") if isinstance(data, dict) else "world"
        return {"message": f"Hello, {name}!"}
