from cshub.sso.tests.op.provider import op, op_server

__all__ = ["op", "op_server"]
