from initax._cli import entrypoint

entrypoint()
