"""TD images et réseaux convolutifs / Lab: images and convolutional networks.

FR : Complétez les fonctions q1 à q8 ci-dessous (chacune remplace son `raise NotImplementedError`).
Chargez MNIST comme dans le notebook du cours, avec `keras.datasets.mnist.load_data()`, ou avec
le module fourni `dataset_utils` (`load_mnist`, mêmes conventions que le TD keras & MLP : la
variable d'environnement `TD_KERAS_DATASETS` désigne une copie locale). Les images d'exemple
sont fournies dans `data/images` (`dataset_utils.example_image_path()`,
`dataset_utils.load_stripes()`). Chaque fonction reçoit ses données, ses formes et son réseau de
base en arguments et renvoie un objet neuf : n'utilisez pas de variables globales calculées au
niveau du module. Pas de téléchargement pendant la correction : le correcteur fournit ses
propres données (quelques centaines de chiffres MNIST, de petites images générées) et ses propres
réseaux de base (par exemple `keras.applications.ResNet50(weights=None, include_top=False,
input_shape=(32, 32, 3))`, jamais les poids ImageNet). `grade` vérifie vos fonctions avec les
arguments de l'énoncé et d'autres (autres input_shape, n_classes…) ; la correction de
l'enseignant les appelle aussi avec des arguments que vous ne voyez pas : n'écrivez jamais
(28, 28, 1) ou 10 en dur, utilisez les arguments. Les réponses rédigées vont dans `ANSWERS`.

EN: Complete functions q1 to q8 below (each replaces its `raise NotImplementedError`). Load
MNIST as the course's notebook does, with `keras.datasets.mnist.load_data()`, or with the
provided `dataset_utils` module (`load_mnist`, same conventions as the keras & MLP lab: the
environment variable `TD_KERAS_DATASETS` names a local copy). Example images ship in
`data/images` (`dataset_utils.example_image_path()`, `dataset_utils.load_stripes()`). Every
function takes its data, shapes and base network as arguments and returns a fresh object: do not
rely on globals computed by top-level code. Nothing is downloaded during grading: the grader
brings its own data (a few hundred MNIST digits, small generated images) and its own base
networks (e.g. `keras.applications.ResNet50(weights=None, include_top=False,
input_shape=(32, 32, 3))`, never ImageNet weights). `grade` checks your functions with the
contract's arguments and others (other input_shape, n_classes…); instructor grading also calls
them with arguments you do not see: never hard-code (28, 28, 1) or 10, use the arguments.
Written answers go in `ANSWERS`.

Keras 3 (TensorFlow backend), numpy, Pillow (through `keras.utils.load_img`) and matplotlib may
be imported, at the top of this file or inside the functions.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import keras
    import numpy as np

# Réponses rédigées, indexées par numéro de question / free-text answers keyed by question id:
# {"q3": "...", "q7": "...", "q8": "..."}. Non notées automatiquement : l'enseignant les lit /
# not auto-graded: shown to the instructor, who may award points.
ANSWERS: dict[str, str] = {}


def prepare_mnist_images() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Q1 — MNIST sous forme d'images / MNIST as images.

    FR : Chargez MNIST et renvoyez `(x_train, x_test, y_train, y_test)` prêts pour un réseau
    convolutif : `x` en float32 dans [0, 1], de forme (n, 28, 28, 1) (un canal, gris) ; `y` en
    one-hot float32 de forme (n, 10).

    EN: Load MNIST and return `(x_train, x_test, y_train, y_test)` ready for a convolutional
    network: `x` float32 in [0, 1], of shape (n, 28, 28, 1) (one grey channel); `y` one-hot
    float32 of shape (n, 10).
    """
    raise NotImplementedError


def build_shallow_cnn(input_shape: tuple[int, ...], n_classes: int) -> keras.Model:
    """Q2 — Un réseau convolutif peu profond / A shallow convolutional network.

    FR : Renvoyez un modèle compilé : exactement une couche `Conv2D` (activation ReLU ; nombre
    de filtres et taille du noyau à votre choix), puis une `MaxPooling2D`, un `Flatten` et une
    couche `Dense(n_classes)` avec softmax ; perte `categorical_crossentropy`, métrique
    `"accuracy"`.

    EN: Return a compiled model: exactly one `Conv2D` layer (ReLU activation; number of filters
    and kernel size of your choice), then one `MaxPooling2D`, a `Flatten` and a
    `Dense(n_classes)` layer with softmax; loss `categorical_crossentropy`, metric `"accuracy"`.
    """
    raise NotImplementedError


def build_lenet(input_shape: tuple[int, ...], n_classes: int) -> keras.Model:
    """Q3 — LeNet.

    FR : Renvoyez LeNet compilé (perte et métrique comme en q2) : `Conv2D` 6 filtres 5×5
    (padding `"valid"`, ReLU) → `MaxPooling2D` 2×2 → `Conv2D` 16 filtres 5×5 (`"valid"`, ReLU)
    → `MaxPooling2D` 2×2 → `Flatten` → `Dense(120)` ReLU → `Dense(84)` ReLU →
    `Dense(n_classes)` softmax. Pour (28, 28, 1) et 10 classes, les sorties des couches sont
    (24, 24, 6), (12, 12, 6), (8, 8, 16), (4, 4, 16), 256, 120, 84, 10, et le modèle a 44 426
    paramètres. Comparez-le au réseau dense de la q4 (réponse dans `ANSWERS["q3"]`).

    EN: Return a compiled LeNet (loss and metric as in q2): `Conv2D` 6 filters 5×5 (padding
    `"valid"`, ReLU) → `MaxPooling2D` 2×2 → `Conv2D` 16 filters 5×5 (`"valid"`, ReLU) →
    `MaxPooling2D` 2×2 → `Flatten` → `Dense(120)` ReLU → `Dense(84)` ReLU → `Dense(n_classes)`
    softmax. For (28, 28, 1) and 10 classes the layer outputs are (24, 24, 6), (12, 12, 6),
    (8, 8, 16), (4, 4, 16), 256, 120, 84, 10, and the model has 44,426 parameters. Compare it
    with the dense network of q4 (answer in `ANSWERS["q3"]`).
    """
    raise NotImplementedError


def build_dense_like_lenet(input_shape: tuple[int, ...], n_classes: int) -> keras.Model:
    """Q4 — Un réseau dense de la taille de LeNet / A dense network as large as LeNet.

    FR : Renvoyez un modèle compilé entièrement connecté : `Flatten`, exactement une couche
    cachée `Dense` avec ReLU, puis la sortie softmax (perte et métrique comme en q2), dont le
    nombre de paramètres (`count_params()`) est à moins de 5 % de celui de LeNet
    (`build_lenet(input_shape, n_classes)`, 44 426 pour (28, 28, 1) et 10 classes).

    EN: Return a compiled fully connected model: `Flatten`, exactly one hidden `Dense` layer with
    ReLU, then the softmax output (loss and metric as in q2), whose parameter count
    (`count_params()`) is within 5 % of LeNet's (`build_lenet(input_shape, n_classes)`, 44,426
    for (28, 28, 1) and 10 classes).
    """
    raise NotImplementedError


def load_for_resnet(
    path: str | os.PathLike, target_size: tuple[int, int] = (224, 224)
) -> np.ndarray:
    """Q5 — Préparer une image pour ResNet50 / Prepare an image for ResNet50.

    FR : Chargez le fichier image `path` (`keras.utils.load_img`), redimensionné à
    `target_size` (hauteur, largeur), en couleurs RGB, et renvoyez un lot d'une image float32 de
    forme (1, hauteur, largeur, 3) après le prétraitement propre à ResNet50
    (`keras.applications.resnet50.preprocess_input`).

    EN: Load the image file `path` (`keras.utils.load_img`), resized to `target_size` (height,
    width), as RGB, and return a float32 batch of one image of shape (1, height, width, 3)
    after ResNet50's own preprocessing (`keras.applications.resnet50.preprocess_input`).
    """
    raise NotImplementedError


def build_transfer_model(base_model: keras.Model) -> keras.Model:
    """Q6 — Apprentissage par transfert / Transfer learning.

    FR : `base_model` est un réseau convolutif sans sa partie de classification (par exemple
    `ResNet50(include_top=False, ...)`). Gelez toutes ses couches, ajoutez un `Flatten` et une
    seule couche de sortie `Dense(1, activation="sigmoid")`, et compilez avec
    `binary_crossentropy` et `"accuracy"`. Seuls les poids de la nouvelle couche doivent être
    entraînables.

    EN: `base_model` is a convolutional network without its classification top (e.g.
    `ResNet50(include_top=False, ...)`). Freeze all its layers, add a `Flatten` and a single
    `Dense(1, activation="sigmoid")` output, and compile with `binary_crossentropy` and
    `"accuracy"`. Only the new layer's weights must be trainable.
    """
    raise NotImplementedError


def unfreeze_for_fine_tuning(
    model: keras.Model, base_model: keras.Model, learning_rate: float = 1e-5
) -> keras.Model:
    """Q7 — Réglage fin / Fine-tuning.

    FR : `model` est le modèle de la q6 construit sur `base_model`. Rendez de nouveau
    entraînables toutes les couches de la base, recompilez `model` avec
    `keras.optimizers.Adam(learning_rate=learning_rate)`, la même perte et la même métrique, et
    renvoyez-le. Le réglage fin a-t-il aidé ? (réponse dans `ANSWERS["q7"]`)

    EN: `model` is the q6 model built on `base_model`. Make every layer of the base trainable
    again, recompile `model` with `keras.optimizers.Adam(learning_rate=learning_rate)`, the same
    loss and the same metric, and return it. Did fine-tuning help? (answer in `ANSWERS["q7"]`)
    """
    raise NotImplementedError


def build_small_binary_cnn(input_shape: tuple[int, ...]) -> keras.Model:
    """Q8 — Un petit CNN pour deux classes / A small CNN for two classes.

    FR : Renvoyez un réseau convolutif compilé, appris depuis zéro, pour une classification en
    deux classes : au moins une `Conv2D` et une couche de pooling, et une sortie adaptée (une
    unité sigmoïde avec `binary_crossentropy`, ou deux unités softmax avec une perte
    catégorielle). Il doit pouvoir apprendre. Comparez-le au transfert (`ANSWERS["q8"]`).

    EN: Return a compiled convolutional network, trained from scratch, for a two-class problem:
    at least one `Conv2D` and one pooling layer, and a suitable output (one sigmoid unit with
    `binary_crossentropy`, or two softmax units with a categorical loss). It must be able to
    learn. Compare it with transfer learning (`ANSWERS["q8"]`).
    """
    raise NotImplementedError
