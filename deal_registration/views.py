from flask import Blueprint
bp = Blueprint("deals", __name__, template_folder="templates")
